// SMTP delivery in a child process, for the long-running daemon: libcurl and the TLS, Kerberos
// and LDAP libraries it brings are about 7 MB resident once loaded and cannot be unloaded
// (OpenSSL forbids it), so the daemon, which sleeps between send times, never loads them; a
// child (`plan-reminder smtp-relay`, the same binary) does, for one batch, and exits.
//
// The two ends talk over a Unix socket that is the child's stdin and stdout, in frames of
// strings: the settings, the password (never on a command line or in the environment) and the
// timeouts first, then one request and one reply per message (status, cause, detail, whether
// to stop the batch, and each refused recipient with the server's reply). The child ignores
// SIGTERM, SIGINT and SIGHUP (systemd sends them to the whole service); it ends when the
// daemon closes the socket (after QUIT to the server). On a stop the daemon calls
// Transport::interrupt(grace): the message in flight has that long to finish, then the daemon
// kills the relay and the message stays queued.
#pragma once

#include "mail/transport.h"
#include "plan/config.h"

#include <memory>
#include <string>

namespace plan_reminder::mail {

// The daemon's end: delivers each batch through a relay process started from `program` (the
// running binary: /proc/self/exe) on the batch's first message and stopped by close(). Starts
// one relay at once to check the settings (the URL, the plaintext rule, libcurl present):
// returns null and sets `error` if they are wrong.
std::unique_ptr<Transport> make_smtp_relay_transport(const plan::SmtpSettings& settings,
                                                     std::string password, std::string program,
                                                     std::string& error,
                                                     const SmtpTimeouts& timeouts = {});

// The child's end, on the socket `fd`: serves one daemon until it closes the socket. Returns the
// process's exit code (0, or 78 when the settings are wrong, 64 when the daemon is not speaking
// this protocol).
int serve_smtp_relay(int fd);

}  // namespace plan_reminder::mail
