// The concrete transports behind make_transport (transport.h): a Maildir folder, an SMTP server
// through libcurl, and the pacing wrapper that honours a rate limit. Internal to mail/.
#pragma once

#include "mail/transport.h"
#include "plan/config.h"

#include <filesystem>
#include <memory>
#include <string>

namespace plan_reminder::mail {

// Delivers into `folder` (creating it and its tmp/, new/ and cur/ with mode 0700 on demand).
std::unique_ptr<Transport> make_maildir_transport(std::filesystem::path folder);

// Checks the URL (smtp:// or smtps://, no credentials in it) and the plaintext rule (honoured
// only for a loopback host). On failure returns null and sets `error`. `password` is used for
// AUTH when settings.username is set and never appears in an error or a SendResult.
std::unique_ptr<Transport> make_smtp_transport(const plan::SmtpSettings& settings,
                                               std::string password, const SmtpTimeouts& timeouts,
                                               std::string& error);

// Paces `inner` so that at most limit.messages sends start within any limit.per: a send that
// would exceed it first waits (through `pacing`) until the oldest of the window has aged out.
std::unique_ptr<Transport> make_rate_limited_transport(std::unique_ptr<Transport> inner,
                                                       plan::RateLimit limit, Pacing pacing);

}  // namespace plan_reminder::mail
