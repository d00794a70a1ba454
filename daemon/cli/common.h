// What every subcommand shares: exit codes, the default config path, loading the snapshot and
// printing problems.
#pragma once

#include "plan/snapshot.h"

#include <date/date.h>

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::cli {

// sysexits.h, by name.
enum ExitCode : int {
  ok = 0,
  usage = 64,
  data_error = 65,
  unavailable = 69,
  io_error = 74,
  config_error = 78,
};

inline constexpr std::string_view default_config_path = "/etc/plan-reminder/plan-reminder.yaml";

// Prints each diagnostic as `file:line:col: key.path: message`.
void print_diagnostics(const plan::Diagnostics& diagnostics, std::ostream& out);

// 78 when a config, directory or template file has a problem, else 65 when a plan has one,
// else 0.
ExitCode exit_code_for(const plan::Diagnostics& diagnostics);

// Reads "YYYY-MM-DD"; nullopt when it is not a real day.
std::optional<date::year_month_day> parse_iso_day(std::string_view text);

// Today in the given IANA time zone, from the system clock: the shell's one reading of it.
date::year_month_day today_in(const std::string& time_zone);

}  // namespace plan_reminder::cli
