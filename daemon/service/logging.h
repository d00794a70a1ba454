// Logging through spdlog to stderr; under journald (JOURNAL_STREAM set) each line starts with
// its syslog priority ("<3>"), which journald turns into the entry's priority.
#pragma once

namespace plan_reminder::service {

void set_up_logging(bool verbose);

}  // namespace plan_reminder::service
