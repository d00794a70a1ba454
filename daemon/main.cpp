// plan-reminder: parse the command line, run one subcommand, map failures to sysexits codes.
#include "base/version.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "service/logging.h"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace {

int run_command_line(int argc, char** argv) {
  using namespace plan_reminder::cli;
  CLI::App app{"plan-reminder: reminders, escalations and digests for multi-agency action plans",
               "plan-reminder"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "plan-reminder " + std::string(plan_reminder::base::kVersion));
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log debugging detail");
  // `plan-reminder check -v` as well as `plan-reminder -v check`: a subcommand hands the
  // options it does not know (here -v) to the main command.
  app.fallthrough();
  Command check = add_check_command(app);
  Command agenda = add_agenda_command(app);
  Command run = add_run_command(app);
  Command preview = add_preview_command(app);
  Command history = add_history_command(app);
  Command send_test = add_send_test_command(app);
  Command url = add_url_command(app);
  Command updates = add_updates_command(app);
  Command report = add_report_command(app);
  Command state = add_state_command(app);
  Command import = add_import_command(app);
  Command smtp_relay = add_smtp_relay_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? ok : usage;
  }
  plan_reminder::service::set_up_logging(verbose);
  try {
    if (app.got_subcommand("check")) {
      return check();
    }
    if (app.got_subcommand("agenda")) {
      return agenda();
    }
    if (app.got_subcommand("run")) {
      return run();
    }
    if (app.got_subcommand("preview")) {
      return preview();
    }
    if (app.got_subcommand("history")) {
      return history();
    }
    if (app.got_subcommand("send-test")) {
      return send_test();
    }
    if (app.got_subcommand("url")) {
      return url();
    }
    if (app.got_subcommand("updates")) {
      return updates();
    }
    if (app.got_subcommand("report")) {
      return report();
    }
    if (app.got_subcommand("state")) {
      return state();
    }
    if (app.got_subcommand("import")) {
      return import();
    }
    if (app.got_subcommand("smtp-relay")) {
      return smtp_relay();
    }
  } catch (const std::exception& error) {
    // Through the logger, so that under journald it carries an error priority.
    spdlog::error("{}", error.what());
    return io_error;
  }
  return usage;
}

}  // namespace

int main(int argc, char** argv) {
  // What escapes a command (a failure to set up the command line or the log itself) still ends
  // with a message and a sysexits code, never std::terminate's abort.
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "plan-reminder: %s\n", error.what());
  } catch (...) {
    std::fputs("plan-reminder: unexpected failure\n", stderr);
  }
  return plan_reminder::base::software;
}
