// The subcommands (SPEC §6). Each registers its options on the application and returns the
// exit code it wants when it is the one that was chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace plan_reminder::cli {

using Command = std::function<int()>;

Command add_check_command(CLI::App& app);
Command add_agenda_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_preview_command(CLI::App& app);
Command add_history_command(CLI::App& app);
Command add_send_test_command(CLI::App& app);
Command add_url_command(CLI::App& app);
Command add_updates_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_state_command(CLI::App& app);
Command add_import_command(CLI::App& app);
// Internal: the daemon's SMTP delivery process (mail/smtp_relay.h); not listed in --help.
Command add_smtp_relay_command(CLI::App& app);

}  // namespace plan_reminder::cli
