// What every subcommand shares: exit codes, the default config path, loading the snapshot and
// printing problems.
#pragma once

#include "base/exit_codes.h"
#include "base/iso_day.h"
#include "plan/snapshot.h"
#include "policy/schedule.h"
#include "progress/effects.h"
#include "service/deployment.h"
#include "store/state_store.h"

#include <date/date.h>
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::cli {

using base::ExitCode;
using enum base::ExitCode;

inline constexpr std::string_view default_config_path = "/etc/plan-reminder/plan-reminder.yaml";

// The `-c,--config FILE` option every subcommand has.
void add_config_option(CLI::App* command, std::string& config);

// Prints each diagnostic as `file:line:col: key.path: message`.
void print_diagnostics(const plan::Diagnostics& diagnostics, std::ostream& out);

// 78 when a config, directory or template file has a problem, else 65 when a plan has one,
// else 0.
ExitCode exit_code_for(const plan::Diagnostics& diagnostics);

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

// Days on the command line: "YYYY-MM-DD".
using base::iso_day;
using base::parse_iso_day;

// A moment given on the command line (`--now`): "YYYY-MM-DD" (that day at the policy's send
// time), "YYYY-MM-DDTHH:MM[:SS]" in the partnership's time zone, or with "Z" or "+HH:MM"; or
// "next": the next send time on a business day after the system clock's now.
std::optional<date::sys_seconds> parse_moment(std::string_view text, const policy::Clock& clock,
                                              std::chrono::minutes send_time);

// Loads the config file alone and runs `command` on it, returning its exit code; when the file
// is invalid, prints every problem to stderr and returns 78 instead.
int with_config(const std::string& config_file,
                const std::function<int(const plan::Config&)>& command);
// Loads config, directory, plans and templates and runs `command` on them, returning its exit
// code; when any file is invalid, prints every problem to stderr and returns 78 or 65 instead.
int with_deployment(const std::string& config_file, std::string_view command_name,
                    const std::function<int(const service::Deployment&)>& command);

// The plans with the accepted updates of the state in effect (SPEC §9): `store`, or the state
// the config names when null; the plans as the files say them when there is no state yet.
progress::AppliedUpdates in_effect(const std::shared_ptr<const plan::Snapshot>& snapshot,
                                   store::StateStore* store = nullptr);
// Prints a line for each accepted update the files do not say yet or disagree with.
void print_update_standings(const progress::AppliedUpdates& applied, std::ostream& out);

// Today in the given IANA time zone, from the system clock: the shell's one reading of it. The
// zone was checked at load; an unknown one throws std::invalid_argument, never London.
date::year_month_day today_in(const std::string& time_zone);

}  // namespace plan_reminder::cli
