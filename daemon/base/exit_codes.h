// The process exit codes, from BSD's sysexits.h, which systemd and scripts understand.
#pragma once

namespace plan_reminder::base {

enum ExitCode : int {
  ok = 0,
  usage = 64,
  data_error = 65,
  unavailable = 69,
  software = 70,  // an internal failure: a bug, not the input
  io_error = 74,
  temp_fail = 75,
  config_error = 78,
};

}  // namespace plan_reminder::base
