#include "mail/relay_protocol.h"

#include "base/write_all.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace plan_reminder::mail {
namespace {

void put_number(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out += static_cast<char>((value >> shift) & 0xffU);
  }
}

bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    ssize_t got = ::read(fd, data, size);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return false;
    }
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

std::optional<std::uint32_t> read_number(int fd) {
  unsigned char bytes[4];
  if (!read_all(fd, reinterpret_cast<char*>(bytes), sizeof bytes)) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
         static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

const char* status_name(SendResult::Status status) {
  switch (status) {
    case SendResult::Status::delivered:
      return "delivered";
    case SendResult::Status::transient:
      return "transient";
    case SendResult::Status::permanent:
      return "permanent";
  }
  return "transient";
}

std::optional<SendResult::Status> parse_status(const std::string& name) {
  for (auto status : {SendResult::Status::delivered, SendResult::Status::transient,
                      SendResult::Status::permanent}) {
    if (name == status_name(status)) {
      return status;
    }
  }
  return std::nullopt;
}

}  // namespace

bool write_frame(int fd, const std::vector<std::string_view>& frame) {
  std::string header;
  put_number(header, static_cast<std::uint32_t>(frame.size()));
  if (!base::write_all(fd, header, base::Descriptor::socket)) {
    return false;
  }
  for (std::string_view text : frame) {
    std::string length;
    put_number(length, static_cast<std::uint32_t>(text.size()));
    if (!base::write_all(fd, length, base::Descriptor::socket) ||
        !base::write_all(fd, text, base::Descriptor::socket)) {
      return false;
    }
  }
  return true;
}

std::optional<Frame> read_frame(int fd, const FrameLimits& limits) {
  auto count = read_number(fd);
  if (!count || *count > limits.max_strings) {
    return std::nullopt;
  }
  Frame frame(*count);
  for (std::string& text : frame) {
    auto length = read_number(fd);
    if (!length || *length > limits.max_string) {
      return std::nullopt;
    }
    text.resize(*length);
    if (!read_all(fd, text.data(), text.size())) {
      return std::nullopt;
    }
  }
  return frame;
}

Frame reply_frame(const SendResult& result) {
  Frame frame{status_name(result.status), std::string(cause_name(result.cause)), result.detail,
              result.stop_batch ? "1" : "0"};
  for (const RefusedRecipient& refused : result.refused) {
    frame.push_back(refused.address);
    frame.push_back(refused.reply);
  }
  return frame;
}

std::optional<SendResult> parse_reply(Frame& frame) {
  if (frame.size() < 4 || frame.size() % 2 != 0) {
    return std::nullopt;
  }
  auto status = parse_status(frame[0]);
  auto cause = parse_cause(frame[1]);
  if (!status || !cause) {
    return std::nullopt;
  }
  SendResult result;
  result.status = *status;
  result.cause = *cause;
  result.detail = std::move(frame[2]);
  result.stop_batch = frame[3] == "1";
  for (std::size_t i = 4; i + 1 < frame.size(); i += 2) {
    result.refused.push_back({std::move(frame[i]), std::move(frame[i + 1])});
  }
  return result;
}

}  // namespace plan_reminder::mail
