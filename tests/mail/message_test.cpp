// Tests of mail composition: what a mail client (here Python's strict email parser) reads back
// from the bytes, header injection, quoted-printable bodies, and the stable IDs.
#include "mail/message.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <stdexcept>

namespace plan_reminder::mail {
namespace {

using namespace std::chrono_literals;

// Reads the message and the expectations (NUL-separated key/value pairs) named on the command
// line, checks them with the strict policy, which raises on defects, and prints "OK" or the
// first problem. No single quotes: the script is passed to the shell inside them.
constexpr const char* kStrictCheck = R"py(
import email, email.policy, sys
data = open(sys.argv[1], "rb").read()
fields = open(sys.argv[2], "rb").read().decode("utf-8").split("\0")
want = dict(zip(fields[0::2], fields[1::2]))
def fail(problem):
    print(problem)
    sys.exit(1)
rest = data.replace(b"\r\n", b"")
if b"\r" in rest or b"\n" in rest:
    fail("bare CR or LF")
for line in data.split(b"\r\n"):
    if len(line) > 78:
        fail("line of %d characters: %r" % (len(line), line))
msg = email.message_from_bytes(data, policy=email.policy.strict)
for part in msg.walk():
    if part.defects:
        fail("defects: %r" % part.defects)
    for name, value in part.items():
        if value.defects:
            fail("defects in %s: %r" % (name, value.defects))
names = ",".join(msg.keys())
if names != want["names"]:
    fail("headers %s" % names)
if str(msg["Subject"]) != want["Subject"]:
    fail("Subject %r" % str(msg["Subject"]))
for field in ("From", "To", "Cc", "Reply-To"):
    if field in want:
        got = "\x1f".join(a.display_name + "\x1e" + a.addr_spec for a in msg[field].addresses)
        if got != want[field]:
            fail("%s %r" % (field, got))
if msg["Date"].datetime.isoformat() != want["Date"]:
    fail("Date %s" % msg["Date"].datetime.isoformat())
if str(msg["Message-ID"]) != want["Message-ID"]:
    fail("Message-ID %r" % str(msg["Message-ID"]))
if msg.get_content_type() != "multipart/alternative" or len(msg.get_payload()) != 2:
    fail("not multipart/alternative with two parts")
for kind, key in (("plain", "text"), ("html", "html")):
    part = msg.get_body((kind,))
    if part.get_content_charset() != "utf-8":
        fail("%s charset %s" % (kind, part.get_content_charset()))
    body = part.get_content().replace("\r\n", "\n")
    if body != want[key]:
        fail("%s body %r" % (kind, body))
print("OK")
)py";

// Decodes the display name of the first To mailbox with Python's legacy decoder, which drops
// the space between adjacent encoded-words as RFC 2047 section 6.2 says mail clients do.
constexpr const char* kRfc2047DisplayName = R"py(
import email, email.header, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.compat32)
raw = msg["To"].replace("\r\n", "")
name = raw[:raw.rindex("<")].strip()
print(str(email.header.make_header(email.header.decode_header(name))), end="")
)py";

date::sys_seconds at(int year, unsigned month, unsigned day, std::chrono::hours hour) {
  return date::sys_days{date::year{year} / month / day} + hour;
}

Message sample_message() {
  Message message;
  message.from = {"Safer Sunderland Partnership", "dhr-actions@partnership.example.org"};
  message.to = {{"Lead Agency", "lead@council.example.org"}};
  message.subject = "Action 3.2 is due on 10 February";
  message.message_id = "<0123456789abcdef0123456789abcdef@partnership.example.org>";
  message.date = at(2020, 2, 3, 9h);
  message.text = "Dear lead agency,\nAction 3.2 is due.\n";
  message.html = "<p>Dear lead agency,</p>\n<p>Action 3.2 is due.</p>\n";
  return message;
}

class TempDir {
 public:
  TempDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("message_test_" + std::string(test->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& bytes) const {
    auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

// Runs `script` under Debian's Python with the files as arguments; its output, and "exit N"
// appended when it fails.
std::string run_python(const std::string& script, const std::vector<std::string>& arguments) {
  std::string command = "/usr/bin/python3 -c '" + script + "'";
  for (const auto& argument : arguments) {
    command += " '" + argument + "'";
  }
  command += " 2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return "cannot run python3";
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    output.append(buffer, n);
  }
  int status = ::pclose(pipe);
  if (status != 0) {
    output += " exit " + std::to_string(status);
  }
  return output;
}

std::string mailbox_list(const std::vector<Address>& addresses) {
  std::string out;
  for (const auto& address : addresses) {
    out += (out.empty() ? "" : "\x1f") + address.name + "\x1e" + address.address;
  }
  return out;
}

// What Python's strict parser says about the composed `message`, given what a reader should
// see: the display names, subject and bodies as written, and the headers `names`.
std::string strict_parse(const Message& message, const std::string& names,
                         const std::string& subject, const std::string& iso_date) {
  std::map<std::string, std::string> want = {
      {"names", names},
      {"Subject", subject},
      {"From", mailbox_list({message.from})},
      {"To", mailbox_list(message.to)},
      {"Date", iso_date},
      {"Message-ID", message.message_id},
      {"text", message.text},
      {"html", message.html},
  };
  if (!message.cc.empty()) {
    want["Cc"] = mailbox_list(message.cc);
  }
  if (message.reply_to) {
    want["Reply-To"] = mailbox_list({*message.reply_to});
  }
  std::string expectations;
  for (const auto& [key, value] : want) {
    expectations += key + '\0' + value + '\0';
  }
  TempDir dir;
  return run_python(kStrictCheck,
                    {dir.write("message.eml", compose(message)), dir.write("want", expectations)});
}

const std::string kPlainHeaders =
    "Date,From,To,Subject,Message-ID,MIME-Version,Auto-Submitted,X-Auto-Response-Suppress,"
    "Content-Type";

// The names of the top-level headers, in order.
std::vector<std::string> header_names(const std::string& mail) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    std::size_t end = mail.find("\r\n", start);
    if (end == std::string::npos || end == start) {
      return names;
    }
    if (mail[start] != ' ' && mail[start] != '\t') {
      names.push_back(mail.substr(start, mail.find(':', start) - start));
    }
    start = end + 2;
  }
}

// The header `name` with its folds, as it appears in the mail (without the final CRLF).
std::string raw_header(const std::string& mail, const std::string& name) {
  std::size_t start = mail.starts_with(name + ":") ? 0 : mail.find("\r\n" + name + ":");
  if (start == std::string::npos) {
    return {};
  }
  start = start == 0 ? 0 : start + 2;
  std::size_t end = start;
  do {
    end = mail.find("\r\n", end + 1);
  } while (mail[end + 2] == ' ');
  return mail.substr(start, end - start);
}

// The quoted-printable text part of a composed mail, as it is encoded.
std::string encoded_text_part(const std::string& mail) {
  std::string header = raw_header(mail, "Content-Type");
  std::size_t quote = header.find("boundary=\"") + 10;
  std::string boundary = header.substr(quote, header.find('"', quote) - quote);
  std::string start_marker =
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  std::size_t start = mail.find(start_marker) + start_marker.size();
  return mail.substr(start, mail.find("\r\n--" + boundary, start) - start);
}

// An independent quoted-printable decoder (RFC 2045 section 6.7), CRLF read as '\n'.
std::string decode_quoted_printable(const std::string& encoded) {
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else if (encoded[i] == '=') {
      out += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (encoded.compare(i, 2, "\r\n") == 0) {
      out += '\n';
      i += 1;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find("\r\n", start);
    lines.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) {
      return lines;
    }
    start = end + 2;
  }
}

// Tests that a mail with a Unicode subject, names and bodies, Cc, Reply-To and a thread reads
// back exactly in Python's strict parser, with every line at most 78 characters and CRLF only.
TEST(ComposedMail, ReadsBackExactlyInAStrictParser) {
  Message message = sample_message();
  message.from.name = "Partneriaeth Diogelwch Cymunedol — Cyngor Sir Ynys Môn";
  message.to = {{"Zoë O’Brien, Lead (Adult Social Care)", "zoe.obrien@council.example.org"},
                {"", "safeguarding@police.example.org"},
                {"Team \"Health\" \\ NHS", "dhr@nhs.example.org"}};
  message.cc = {{"Café 🎉 Team", "cafe@example.org"},
                {"Jane Smith", "jane.smith@health.example.org"}};
  message.reply_to = Address{"Coordinator, Safer Sunderland", "coordinator@example.org"};
  message.subject = "Action 3.2 ’overdue’: £50 fee, café meeting 🎉";
  message.references = {thread_id_for("DHR-2020-01", "3.2", "partnership.example.org"),
                        message_id_for({"k1"}, "partnership.example.org"),
                        message_id_for({"k2"}, "partnership.example.org"),
                        message_id_for({"k3"}, "partnership.example.org")};
  message.utc_offset = 60min;
  message.text = "Dear Zoë,\n\nAction 3.2 costs £50 = a lot. ’Quoted’ 🎉\n.\n.hidden\nFrom here\n" +
                 std::string(1000, 'x') + "\ntrailing spaces  \ttab\t\n";
  message.html = "<p>Dear Zoë,</p>\n<p style=\"color: red\">Action 3.2 costs £50</p>\n" +
                 std::string(300, 'y') + "é" + std::string(300, 'z') + "\n";
  std::string names =
      "Date,From,To,Cc,Reply-To,Subject,Message-ID,In-Reply-To,References,MIME-Version,"
      "Auto-Submitted,X-Auto-Response-Suppress,Content-Type";

  EXPECT_EQ(strict_parse(message, names, message.subject, "2020-02-03T10:00:00+01:00"), "OK\n");
}

// Tests that subjects of 200 characters, Unicode or ASCII, with or without spaces, are folded
// within 78 characters and read back exactly.
TEST(ComposedMail, ReadsBackLongSubjects) {
  std::string unicode;
  while (unicode.size() < 400) {
    unicode += "Überprüfung ’3.2’ £ é 🎉 ";
  }
  std::string spaced;
  while (spaced.size() < 200) {
    spaced += "overdue action ";
  }
  const std::vector<std::string> subjects = {
      unicode.substr(0, unicode.rfind(' ', 300)),
      std::string(199, 'e') + "é",
      spaced.substr(0, spaced.rfind(' ', 200)),
      std::string(200, 'a'),
      "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
  };
  for (const auto& subject : subjects) {
    SCOPED_TRACE(subject);
    Message message = sample_message();
    message.subject = subject;
    EXPECT_EQ(strict_parse(message, kPlainHeaders, subject, "2020-02-03T09:00:00+00:00"), "OK\n");
  }
}

// Tests that a subject carrying CR/LF and a Bcc line stays one header and adds no recipient.
TEST(ComposedMail, SubjectCannotInjectAHeader) {
  for (const char* attack :
       {"Reminder\r\nBcc: victim@example.org", "Reminder\nBcc: victim@example.org",
        "Reminder\rBcc: victim@example.org", "Reminder\r\n\r\nBcc: victim@example.org"}) {
    Message message = sample_message();
    message.subject = attack;
    std::string mail = compose(message);

    EXPECT_EQ(mail.find("\r\nBcc"), std::string::npos);
    EXPECT_EQ(raw_header(mail, "Subject"), "Subject: Reminder Bcc: victim@example.org");
    EXPECT_EQ(strict_parse(message, kPlainHeaders, "Reminder Bcc: victim@example.org",
                           "2020-02-03T09:00:00+00:00"),
              "OK\n");
  }
}

// Tests that a display name with a line break and a comma stays one mailbox in one header.
TEST(ComposedMail, DisplayNameWithNewlineAndCommaStaysOneMailbox) {
  Message message = sample_message();
  message.to = {{"Smith,\r\nJane\nBcc: victim@example.org", "jane@council.example.org"}};
  std::string mail = compose(message);

  EXPECT_EQ(raw_header(mail, "To"),
            "To: \"Smith, Jane Bcc: victim@example.org\" <jane@council.example.org>");
  EXPECT_EQ(header_names(mail).size(), 9U);
  Message expected = message;
  expected.to[0].name = "Smith, Jane Bcc: victim@example.org";
  std::string output =
      strict_parse(expected, kPlainHeaders, message.subject, "2020-02-03T09:00:00+00:00");
  EXPECT_EQ(output, "OK\n");
}

// Tests that control characters become spaces and runs of spaces one space in the subject.
TEST(ComposedMail, SubjectWhitespaceIsTidied) {
  Message message = sample_message();
  message.subject = "  Overdue:\t\tAction   3.2\x01\x7f(police)  ";
  EXPECT_EQ(raw_header(compose(message), "Subject"), "Subject: Overdue: Action 3.2 (police)");

  // NEL (U+0085) and LINE SEPARATOR (U+2028) break lines in some readers too.
  message.subject = "\xC2\x85 Caf\xC3\xA9\xE2\x80\xA8\xE2\x80\xA9";
  EXPECT_EQ(raw_header(compose(message), "Subject"), "Subject: =?UTF-8?B?Q2Fmw6k=?=");
}

// Tests that text which only looks like an encoded-word, or is not valid UTF-8, reads back as
// written (with U+FFFD for the bad bytes) instead of being decoded by the reader.
TEST(ComposedMail, SubjectThatLooksEncodedOrIsInvalidReadsBack) {
  Message message = sample_message();
  message.subject = "Plain =?UTF-8?B?QmNj?= text";
  EXPECT_EQ(strict_parse(message, kPlainHeaders, message.subject, "2020-02-03T09:00:00+00:00"),
            "OK\n");

  message.subject = "Caf\xe9 \xff\xc3";
  EXPECT_EQ(strict_parse(message, kPlainHeaders, "Caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD",
                         "2020-02-03T09:00:00+00:00"),
            "OK\n");
}

// Tests that a non-ASCII display name too long for one encoded-word reads back exactly under
// RFC 2047's rules, as mail clients apply them.
TEST(ComposedMail, LongUnicodeDisplayNameFollowsRfc2047) {
  Message message = sample_message();
  message.to[0].name = "Ärztekammer–Überprüfungsstelle–Qualitätssicherung–Öffentliche–Gesundheit";
  std::string mail = compose(message);
  TempDir dir;

  EXPECT_EQ(run_python(kRfc2047DisplayName, {dir.write("message.eml", mail)}), message.to[0].name);
  for (const auto& line : lines_of(mail)) {
    EXPECT_LE(line.size(), 78U) << line;
  }
}

// Tests that headers come in the documented order, Cc, Reply-To and threading only when set,
// and In-Reply-To names the newest reference.
TEST(ComposedMail, HeadersComeInOrder) {
  Message message = sample_message();
  std::string mail = compose(message);
  EXPECT_EQ(header_names(mail), (std::vector<std::string>{
                                    "Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                    "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type"}));
  EXPECT_NE(mail.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos);
  EXPECT_NE(mail.find("\r\nX-Auto-Response-Suppress: All\r\n"), std::string::npos);
  EXPECT_NE(mail.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);

  message.cc = {{"", "cc@example.org"}};
  message.reply_to = Address{"Coordinator", "coordinator@example.org"};
  message.references = {"<thread.1@example.org>", "<2@example.org>"};
  mail = compose(message);
  EXPECT_EQ(header_names(mail), (std::vector<std::string>{
                                    "Date", "From", "To", "Cc", "Reply-To", "Subject", "Message-ID",
                                    "In-Reply-To", "References", "MIME-Version", "Auto-Submitted",
                                    "X-Auto-Response-Suppress", "Content-Type"}));
  EXPECT_EQ(raw_header(mail, "In-Reply-To"), "In-Reply-To: <2@example.org>");
  EXPECT_EQ(raw_header(mail, "References"), "References: <thread.1@example.org> <2@example.org>");
  EXPECT_EQ(raw_header(mail, "Reply-To"), "Reply-To: Coordinator <coordinator@example.org>");
}

// Tests that the Date header is written in the message's UTC offset with English names.
TEST(ComposedMail, DateIsWrittenInTheLocalOffset) {
  Message message = sample_message();
  EXPECT_EQ(raw_header(compose(message), "Date"), "Date: Mon, 03 Feb 2020 09:00:00 +0000");
  message.utc_offset = 60min;
  EXPECT_EQ(raw_header(compose(message), "Date"), "Date: Mon, 03 Feb 2020 10:00:00 +0100");
  message.utc_offset = -(5h + 30min);
  EXPECT_EQ(raw_header(compose(message), "Date"), "Date: Mon, 03 Feb 2020 03:30:00 -0530");
  message.date = at(2021, 12, 31, 23h);
  message.utc_offset = 60min;
  EXPECT_EQ(raw_header(compose(message), "Date"), "Date: Sat, 01 Jan 2022 00:00:00 +0100");
}

// Tests that a 1,000-character line is split by soft breaks into lines of at most 76
// characters and decodes back to the same line.
TEST(QuotedPrintable, LongLineGetsSoftBreaks) {
  Message message = sample_message();
  message.text = std::string(500, 'a') + "£" + std::string(498, 'b');
  std::string encoded = encoded_text_part(compose(message));
  auto lines = lines_of(encoded);

  EXPECT_GE(lines.size(), 14U);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 76U);
    EXPECT_EQ(lines[i].ends_with('='), i + 1 < lines.size()) << lines[i];
  }
  EXPECT_EQ(decode_quoted_printable(encoded), message.text);
}

// Tests that '=' and non-ASCII bytes are escaped and line ends become CRLF hard breaks.
TEST(QuotedPrintable, EscapesEqualsAndNonAscii) {
  Message message = sample_message();
  message.text = "a=b\n£1\n";
  EXPECT_EQ(encoded_text_part(compose(message)), "a=3Db\r\n=C2=A31\r\n");
}

// Tests that spaces and tabs at the end of a line are escaped so transport cannot strip them.
TEST(QuotedPrintable, EscapesTrailingSpacesAndTabs) {
  Message message = sample_message();
  message.text = "end  \nnext\t\nin the middle stays\n  ";
  std::string encoded = encoded_text_part(compose(message));
  EXPECT_EQ(encoded, "end =20\r\nnext=09\r\nin the middle stays\r\n =20");
  EXPECT_EQ(decode_quoted_printable(encoded), message.text);
}

// Tests that lines starting with "." or "From " survive transport, also after a soft break.
TEST(QuotedPrintable, LinesStartingWithDotOrFromSurvive) {
  Message message = sample_message();
  message.text = ".\n..two\nFrom the coordinator\nFromage\n" + std::string(75, 'x') + ".tail";
  std::string encoded = encoded_text_part(compose(message));
  for (const auto& line : lines_of(encoded)) {
    EXPECT_FALSE(line.starts_with(".") || line.starts_with("From ")) << line;
  }
  EXPECT_NE(encoded.find("=46rom the"), std::string::npos);
  EXPECT_NE(encoded.find("\r\nFromage"), std::string::npos);
  EXPECT_EQ(decode_quoted_printable(encoded), message.text);
}

// Tests that every byte value, at each column around the soft break (70 to 79), is encoded so
// that each line stays within 76 characters, ends in no blank, starts with neither "." nor
// "From ", and decodes back to the same text.
TEST(QuotedPrintable, EveryByteAtEveryColumnDecodesBack) {
  Message message = sample_message();
  std::string text;
  for (int byte = 1; byte < 256; ++byte) {
    for (std::size_t column = 70; column < 80; ++column) {
      text += std::string(column, 'x');
      text += static_cast<char>(byte);
      text += byte % 3 == 0 ? "From y" : (byte % 3 == 1 ? ". " : "");
      text += '\n';
    }
  }
  // A '\r' before a '\n' is read as part of the line end, not text: the text holds none. A
  // '\n' byte just ends its line early.
  std::erase(text, '\r');
  message.text = text;
  const std::string encoded = encoded_text_part(compose(message));
  for (const auto& line : lines_of(encoded)) {
    EXPECT_LE(line.size(), 76U) << line;
    EXPECT_FALSE(line.starts_with(".") || line.starts_with("From ")) << line;
    EXPECT_FALSE(line.ends_with(" ") || line.ends_with("\t")) << line;
  }
  EXPECT_EQ(decode_quoted_printable(encoded), message.text);
}

// Tests that a body containing a previous mail's boundary still splits into the right parts.
TEST(ComposedMail, BoundaryNeverOccursInTheBody) {
  Message message = sample_message();
  std::string header = raw_header(compose(message), "Content-Type");
  std::string boundary =
      header.substr(header.find('"') + 1, header.rfind('"') - header.find('"') - 1);
  message.text = "--" + boundary + "\n--" + boundary + "--\n";
  message.html = message.text;
  std::string mail = compose(message);
  std::string new_header = raw_header(mail, "Content-Type");
  std::string new_boundary =
      new_header.substr(new_header.find('"') + 1, new_header.rfind('"') - new_header.find('"') - 1);

  EXPECT_EQ(mail.find("\r\n--" + new_boundary), mail.find("\r\n\r\n") + 2);
  EXPECT_EQ(strict_parse(message, kPlainHeaders, message.subject, "2020-02-03T09:00:00+00:00"),
            "OK\n");
}

// Tests that a message composed again (a pass re-run after a crash) is the same bytes,
// boundary included, and that two messages with the same parts still get boundaries of their
// own.
TEST(ComposedMail, ComposedAgainItIsTheSameBytes) {
  const Message message = sample_message();
  EXPECT_EQ(compose(message), compose(message));
  Message other = message;
  other.message_id = "<other@partnership.example.org>";
  EXPECT_NE(raw_header(compose(message), "Content-Type"),
            raw_header(compose(other), "Content-Type"));
}

// Tests that an address that could break out of its header or SMTP command is refused.
TEST(ComposedMail, RefusesUnsafeAddressesAndIds) {
  for (const char* bad :
       {"a@example.org\r\nBcc: victim@example.org", "a b@example.org", "<a@example.org>",
        "a@example.org,b@example.org", "", "no-at-sign", "a@example.org\n"}) {
    SCOPED_TRACE(bad);
    Message message = sample_message();
    message.cc = {{"", bad}};
    EXPECT_THROW(compose(message), std::invalid_argument);
    EXPECT_THROW(envelope_recipients(message), std::invalid_argument);
    message = sample_message();
    message.from.address = bad;
    EXPECT_THROW(compose(message), std::invalid_argument);
  }
  Message message = sample_message();
  message.message_id = "<a@example.org>\r\nBcc: victim@example.org";
  EXPECT_THROW(compose(message), std::invalid_argument);
  message = sample_message();
  message.references = {"<a@example.org> <b@example.org>"};
  EXPECT_THROW(compose(message), std::invalid_argument);
  message = sample_message();
  message.to.clear();
  EXPECT_THROW(compose(message), std::invalid_argument);
  EXPECT_THROW(message_id_for({"k"}, "example.org>\r\nBcc: x"), std::invalid_argument);
}

// Tests that the envelope lists To then Cc, each address once whatever its case.
TEST(EnvelopeRecipients, ToThenCcWithoutDuplicates) {
  Message message = sample_message();
  message.to = {{"A", "a@example.org"}, {"B", "b@example.org"}, {"A again", "A@Example.org"}};
  message.cc = {{"", "c@example.org"}, {"", "B@EXAMPLE.ORG"}, {"", "a@example.org"}};
  EXPECT_EQ(envelope_recipients(message),
            (std::vector<std::string>{"a@example.org", "b@example.org", "c@example.org"}));
}

// Tests that the Message-ID depends on the set of notice keys, not their order, so a retry
// reuses it, and that other keys give another ID.
TEST(MessageId, SameKeysInAnyOrderGiveTheSameId) {
  std::string id = message_id_for({"notice-1", "notice-2", "notice-3"}, "example.org");
  EXPECT_TRUE(std::regex_match(id, std::regex("<[0-9a-f]{32}@example\\.org>"))) << id;
  EXPECT_EQ(message_id_for({"notice-3", "notice-1", "notice-2"}, "example.org"), id);
  EXPECT_NE(message_id_for({"notice-1", "notice-2"}, "example.org"), id);
  EXPECT_NE(message_id_for({"notice-1", "notice-2", "notice-4"}, "example.org"), id);
  EXPECT_NE(message_id_for({"notice-1notice-2", "notice-3"}, "example.org"), id);
  EXPECT_NE(message_id_for({"notice-1", "notice-2", "notice-3"}, "other.example.org"), id);
}

// Tests that the thread ID is stable per review and action and differs between actions.
TEST(MessageId, ThreadIdNamesOneAction) {
  std::string id = thread_id_for("DHR-2020-01", "3.2", "example.org");
  EXPECT_TRUE(std::regex_match(id, std::regex("<thread\\.[0-9a-f]{32}@example\\.org>"))) << id;
  EXPECT_EQ(thread_id_for("DHR-2020-01", "3.2", "example.org"), id);
  EXPECT_NE(thread_id_for("DHR-2020-01", "3.3", "example.org"), id);
  EXPECT_NE(thread_id_for("DHR-2020-02", "3.2", "example.org"), id);
}

}  // namespace
}  // namespace plan_reminder::mail
