// Logging through spdlog to stderr; when stderr is journald's stream each line starts with its
// syslog priority ("<3>"), which journald turns into the entry's priority.
#pragma once

#include <sys/types.h>

#include <string_view>

namespace plan_reminder::service {

// Whether `journal_stream` (the JOURNAL_STREAM variable, "DEVICE:INODE" in decimal) names the
// file with this device and inode. systemd sets the variable for a service whose stderr goes to
// the journal; a child whose stderr was redirected elsewhere inherits the variable but not the
// stream, so the variable alone does not say where stderr goes (systemd.exec(5)).
bool is_journal_stream(std::string_view journal_stream, dev_t device, ino_t inode);

void set_up_logging(bool verbose);

}  // namespace plan_reminder::service
