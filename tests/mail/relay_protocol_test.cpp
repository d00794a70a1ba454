// Tests for the frames between the daemon and its SMTP relay (mail/relay_protocol.h), over a
// real socketpair: a frame survives however its bytes arrive, and whatever is not a frame (too
// big, cut short, garbled) is refused rather than believed.
#include "mail/relay_protocol.h"
#include "base/file_descriptor.h"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace plan_reminder::mail {
namespace {

using base::FileDescriptor;

struct Sockets {
  FileDescriptor daemon;
  FileDescriptor relay;
};

Sockets socket_pair() {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  return {FileDescriptor(ends[0]), FileDescriptor(ends[1])};
}

void put_number(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out += static_cast<char>((value >> shift) & 0xffU);
  }
}

// The bytes of a frame as the protocol spells them: a count, then each string as a length and
// its bytes, numbers as 4 bytes little endian.
std::string encoded(const Frame& frame) {
  std::string out;
  put_number(out, static_cast<std::uint32_t>(frame.size()));
  for (const std::string& text : frame) {
    put_number(out, static_cast<std::uint32_t>(text.size()));
    out += text;
  }
  return out;
}

void send_bytes(int fd, const std::string& bytes) {
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
}

SendResult partly_refused() {
  SendResult result;
  result.status = SendResult::Status::delivered;
  result.cause = SendResult::Cause::none;
  result.detail = "250 2.0.0 queued as 4F2";
  result.refused = {{"gone@council.example.org", "550 5.1.1 <gone@council.example.org>: unknown"},
                    {"old@police.example.org", "550 5.1.1 mailbox disabled"}};
  return result;
}

// Tests that a reply written by the relay is read back by the daemon as the same result: the
// status, the cause, the server's words, the stop flag and each refused recipient.
TEST(RelayProtocolTest, AReplyArrivesWhole) {
  Sockets sockets = socket_pair();
  SendResult sent = partly_refused();
  sent.stop_batch = true;
  Frame reply = reply_frame(sent);
  ASSERT_TRUE(write_frame(sockets.relay.get(), {reply.begin(), reply.end()}));
  auto frame = read_frame(sockets.daemon.get());
  ASSERT_TRUE(frame);
  auto result = parse_reply(*frame);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, SendResult::Status::delivered);
  EXPECT_EQ(result->cause, SendResult::Cause::none);
  EXPECT_EQ(result->detail, "250 2.0.0 queued as 4F2");
  EXPECT_TRUE(result->stop_batch);
  ASSERT_EQ(result->refused.size(), 2u);
  EXPECT_EQ(result->refused[1].address, "old@police.example.org");
  EXPECT_EQ(result->refused[1].reply, "550 5.1.1 mailbox disabled");
}

// Tests that the bytes on the wire are the documented ones (count, then length and bytes of
// each string, little endian), so that both ends of a mixed upgrade agree.
TEST(RelayProtocolTest, TheWireFormatIsCountThenLengthPrefixedStrings) {
  Sockets sockets = socket_pair();
  ASSERT_TRUE(write_frame(sockets.daemon.get(), {"send", "a@b"}));
  std::string expected = encoded({"send", "a@b"});
  std::string got(expected.size(), '\0');
  ASSERT_EQ(::recv(sockets.relay.get(), got.data(), got.size(), MSG_WAITALL),
            static_cast<ssize_t>(got.size()));
  EXPECT_EQ(got, expected);
}

// Tests that a frame arriving a byte at a time (a relay writing in pieces, a busy socket) is
// read as one whole frame, including a message larger than one socket buffer.
TEST(RelayProtocolTest, AFrameSurvivesSplitReads) {
  Sockets sockets = socket_pair();
  const std::string message(300000, 'x');
  const std::string bytes = encoded({"send", "dhr@partnership.example.org", message});
  std::jthread writer([&] {
    for (std::size_t i = 0; i < bytes.size();) {
      // A byte at a time through the header, then in uneven pieces.
      std::size_t piece = i < 64 ? 1 : 7919;
      piece = std::min(piece, bytes.size() - i);
      ssize_t written = ::send(sockets.relay.get(), bytes.data() + i, piece, MSG_NOSIGNAL);
      if (written <= 0) {
        return;
      }
      i += static_cast<std::size_t>(written);
    }
  });
  auto frame = read_frame(sockets.daemon.get());
  ASSERT_TRUE(frame);
  ASSERT_EQ(frame->size(), 3u);
  EXPECT_EQ((*frame)[0], "send");
  EXPECT_EQ((*frame)[1], "dhr@partnership.example.org");
  EXPECT_EQ((*frame)[2], message);
}

// Tests that a string longer than the limit is refused, even when all of it arrives: a garbled
// or hostile peer cannot make the daemon allocate without bound. (Small limits stand in for
// the 1 GiB default.)
TEST(RelayProtocolTest, AnOversizedStringIsRefused) {
  Sockets sockets = socket_pair();
  const FrameLimits limits{16, 4};
  send_bytes(sockets.relay.get(), encoded({"send", std::string(16, 'x')}));
  EXPECT_TRUE(read_frame(sockets.daemon.get(), limits)) << "a string at the limit is read";
  send_bytes(sockets.relay.get(), encoded({"send", std::string(17, 'x')}));
  EXPECT_FALSE(read_frame(sockets.daemon.get(), limits));
}

// Tests that the default limit on a string is checked from its length alone, before anything
// is allocated or read.
TEST(RelayProtocolTest, TheDefaultLimitIsCheckedFromTheLength) {
  Sockets sockets = socket_pair();
  std::string bytes;
  put_number(bytes, 1);
  put_number(bytes, FrameLimits{}.max_string + 1);
  send_bytes(sockets.relay.get(), bytes + "xxxx");
  sockets.relay.close();  // without the check the read would wait for a gigabyte
  EXPECT_FALSE(read_frame(sockets.daemon.get()));
}

// Tests that a frame with more strings than the limit is refused, even when all arrive.
TEST(RelayProtocolTest, TooManyStringsAreRefused) {
  Sockets sockets = socket_pair();
  const FrameLimits limits{16, 4};
  send_bytes(sockets.relay.get(), encoded({"send", "a", "b", "c"}));
  EXPECT_TRUE(read_frame(sockets.daemon.get(), limits)) << "a frame at the limit is read";
  send_bytes(sockets.relay.get(), encoded({"send", "a", "b", "c", "d"}));
  EXPECT_FALSE(read_frame(sockets.daemon.get(), limits));
}

// Tests that a peer that ends in the middle of a frame (the relay died mid-reply) is reported
// as gone, not read as a shorter frame.
TEST(RelayProtocolTest, APeerEndingMidFrameIsReportedGone) {
  Sockets sockets = socket_pair();
  const std::string bytes = encoded({"delivered", "none", "250 ok", "0"});
  send_bytes(sockets.relay.get(), bytes.substr(0, bytes.size() - 3));
  sockets.relay.close();
  EXPECT_FALSE(read_frame(sockets.daemon.get()));
}

// Tests that a peer that has gone makes a write fail (no SIGPIPE ends the daemon).
TEST(RelayProtocolTest, WritingToAPeerThatHasGoneFails) {
  Sockets sockets = socket_pair();
  sockets.relay.close();
  EXPECT_FALSE(write_frame(sockets.daemon.get(), {"send", "a@b", "Subject: x\r\n\r\nx\r\n"}));
}

// Tests that frames that are not replies are refused: too short, a recipient without its
// reply, an unknown status or an unknown cause.
TEST(RelayProtocolTest, AGarbledReplyIsRefused) {
  std::vector<Frame> garbled = {
      {},
      {"delivered", "none", "250 ok"},
      {"delivered", "none", "250 ok", "0", "gone@council.example.org"},
      {"sent", "none", "250 ok", "0"},
      {"transient", "the server sulked", "421", "1"},
  };
  for (Frame& frame : garbled) {
    EXPECT_FALSE(parse_reply(frame)) << encoded(frame).size() << " bytes";
  }
  Frame good{"transient", "server_busy", "421 4.3.2 busy", "1"};
  auto result = parse_reply(good);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->cause, SendResult::Cause::server_busy);
}

}  // namespace
}  // namespace plan_reminder::mail
