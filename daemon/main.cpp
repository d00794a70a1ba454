// plan-reminder: parse the command line, run one subcommand, map failures to sysexits codes.
#include "cli/commands.h"
#include "cli/common.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  using namespace plan_reminder::cli;
  CLI::App app{"plan-reminder: reminders, escalations and digests for multi-agency action plans",
               "plan-reminder"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "plan-reminder 0.1.0");
  Command check = add_check_command(app);
  Command agenda = add_agenda_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? ok : usage;
  }
  try {
    if (app.got_subcommand("check")) {
      return check();
    }
    if (app.got_subcommand("agenda")) {
      return agenda();
    }
  } catch (const std::exception& error) {
    std::cerr << "plan-reminder: " << error.what() << '\n';
    return io_error;
  }
  return usage;
}
