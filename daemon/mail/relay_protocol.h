// The protocol between the daemon and its SMTP relay process (mail/smtp_relay.h), over a Unix
// stream socket: frames of strings. A frame is a count, then each string as a length and its
// bytes; numbers are 4 bytes, little endian. One frame is one request or one reply. A peer that
// sends something that is not a frame, or more than the limits below, is refused as if it had
// gone: a broken relay never makes the daemon allocate without bound.
#pragma once

#include "mail/transport.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::mail {

using Frame = std::vector<std::string>;

// What a frame may hold: by default, strings up to 1 GiB (a message far above any SMTP server's
// size limit), and 100,000 strings (recipients) in one frame.
struct FrameLimits {
  std::uint32_t max_string = 1U << 30;
  std::uint32_t max_strings = 100000;
};

// Written from views, so that a message is not copied to be sent. False when the peer has gone
// (no SIGPIPE: that is an error to report, not a signal that kills the daemon).
bool write_frame(int fd, const std::vector<std::string_view>& frame);
// Reads one whole frame, however the bytes arrive; nullopt when the peer closed the socket,
// died mid-frame, or sent something that is not a frame or is over the limits.
std::optional<Frame> read_frame(int fd, const FrameLimits& limits = {});

// A reply to one message: status, cause, detail, stop_batch ("1" or "0"), then each refused
// recipient as address and reply.
Frame reply_frame(const SendResult& result);
// nullopt when the frame is not a reply (a short or odd frame, an unknown status or cause).
std::optional<SendResult> parse_reply(Frame& frame);

}  // namespace plan_reminder::mail
