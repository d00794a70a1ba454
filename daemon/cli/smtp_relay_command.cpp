// `plan-reminder smtp-relay`: started by the daemon (never by hand) with a socket as stdin and
// stdout, it delivers one batch over SMTP and exits; see mail/smtp_relay.h.
#include "cli/commands.h"
#include "mail/smtp_relay.h"

#include <unistd.h>

namespace plan_reminder::cli {

Command add_smtp_relay_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "smtp-relay", "Internal: the daemon's SMTP delivery process (stdin and stdout: its socket)");
  command->group("");  // hidden from --help
  return [] { return mail::serve_smtp_relay(STDIN_FILENO); };
}

}  // namespace plan_reminder::cli
