// RFC 5322 / RFC 2045 / RFC 2047 composition of the service's mails. Hand-written because the
// subset needed is small: headers folded at 78 columns with UTF-8 text as base64 encoded-words,
// one multipart/alternative body of quoted-printable text and HTML, and IDs hashed from keys.
// Every value that reaches a header is cleaned (control characters become spaces) or checked
// (addresses and Message-IDs throw std::invalid_argument), so no field can start a new header.
#include "mail/message.h"

#include "mail/marking.h"

#include "base/ascii.h"
#include "base/utf8.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <locale>
#include <stdexcept>
#include <unordered_set>

namespace plan_reminder::mail {
namespace {

constexpr std::size_t kMaxHeaderLine = 78;           // RFC 5322 §2.1.1, without the CRLF
constexpr std::size_t kMaxEncodedWord = 75;          // RFC 2047 §2
constexpr std::size_t kMaxQuotedPrintableLine = 76;  // RFC 2045 §6.7 rule 5
constexpr std::string_view kEncodedWordStart = "=?UTF-8?B?";
constexpr std::string_view kEncodedWordEnd = "?=";
constexpr std::size_t kEncodedWordOverhead = kEncodedWordStart.size() + kEncodedWordEnd.size();
// Room for one UTF-8 character of up to four bytes: eight base64 characters.
constexpr std::size_t kMinEncodedWord = kEncodedWordOverhead + 8;
// Longer unencoded words are written as encoded-words instead, which can be split across
// lines, so that a header line never has to exceed kMaxHeaderLine.
constexpr std::size_t kMaxPlainWord = 60;
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The text of `bytes` safe to put in an error message that may be logged.
std::string printable(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

std::string hex64(std::uint64_t value) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out(16, '0');
  for (std::size_t i = 16; i-- > 0;) {
    out[i] = kDigits[value & 0xfU];
    value >>= 4;
  }
  return out;
}

// MurmurHash3's 64-bit finaliser: spreads every input bit over the whole output.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// 128 bits from two unrelated 64-bit hashes (FNV-1a and a rotate-multiply hash, each
// finalised). NOT cryptographic: anyone can construct collisions. It only has to be stable
// across runs, builds and machines (the IDs are stored and reused after a crash) and to make
// accidental collisions between the service's own keys negligible, which 128 bits do.
class Hash128 {
 public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      fnv_ = (fnv_ ^ c) * 0x100000001b3ULL;
      rotating_ = (std::rotl(rotating_, 5) ^ c) * 0x9e3779b97f4a7c15ULL;
    }
    length_ += bytes.size();
  }

  // Adds `bytes` prefixed by its length, so that a list of fields cannot run together into
  // the same input as a different list ("ab","c" against "a","bc").
  void add_field(std::string_view bytes) {
    std::string length(8, '\0');
    std::uint64_t n = bytes.size();
    for (char& c : length) {
      c = static_cast<char>(n & 0xffU);
      n >>= 8;
    }
    add(length);
    add(bytes);
  }

  std::string hex() const {
    return hex64(mix64(fnv_ ^ length_)) + hex64(mix64(rotating_ + length_));
  }

 private:
  std::uint64_t fnv_ = 0xcbf29ce484222325ULL;       // the FNV-1a offset basis
  std::uint64_t rotating_ = 0x243f6a8885a308d3ULL;  // digits of pi: unrelated to FNV's seed
  std::uint64_t length_ = 0;
};

// RFC 5322 atext: what a display name may hold without quotes.
bool is_atext(char c) {
  return base::is_ascii_alnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_control_or_line_break(char32_t code) {
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code == 0x2028 || code == 0x2029;
}

// Text fit for a header: valid UTF-8 (bad bytes become U+FFFD), every control character and
// line break (CR, LF, tab, C1, U+2028/9) a space, runs of spaces one space, no space at the ends.
std::string clean_header_text(std::string_view text) {
  std::string out;
  bool space_pending = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto [length, code] = base::decode_utf8(text, pos);
    std::string_view character = length == 0 ? kReplacementCharacter : text.substr(pos, length);
    pos += length == 0 ? 1 : length;
    if (length != 0 && (code == ' ' || is_control_or_line_break(code))) {
      space_pending = true;
      continue;
    }
    if (space_pending && !out.empty()) {
      out += ' ';
    }
    space_pending = false;
    out += character;
  }
  return out;
}

// Whether `text` can go into a header as it is: printable ASCII that a reader would not take
// for an RFC 2047 encoded-word.
bool is_plain_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; }) &&
         text.find("=?") == std::string_view::npos;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.find(' ', start), text.size());
    if (end > start) {
      words.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return words;
}

std::string base64(std::string_view bytes) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16U) |
                          (static_cast<unsigned char>(bytes[i + 1]) << 8U) |
                          static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(group >> 18U) & 0x3fU];
    out += kAlphabet[(group >> 12U) & 0x3fU];
    out += kAlphabet[(group >> 6U) & 0x3fU];
    out += kAlphabet[group & 0x3fU];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16U);
    if (rest == 2) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1]) << 8U);
    }
    out += kAlphabet[(group >> 18U) & 0x3fU];
    out += kAlphabet[(group >> 12U) & 0x3fU];
    out += rest == 2 ? kAlphabet[(group >> 6U) & 0x3fU] : '=';
    out += '=';
  }
  return out;
}

// One header field, folded at the spaces between words so that no line exceeds 78 characters
// (a single plain word longer than a line, which callers avoid, is the only exception).
class HeaderField {
 public:
  explicit HeaderField(std::string_view name) : text_(name), line_length_(name.size() + 1) {
    text_ += ':';
  }

  // Adds a word that is never split, after a space or, when the line is full, a fold. The
  // first word stays on the name's line: a value that starts on the next line is legal but
  // trips up some readers.
  void add_word(std::string_view word) {
    if (has_word_on_line_ && line_length_ + 1 + word.size() > kMaxHeaderLine) {
      fold();
    }
    text_ += ' ';
    text_ += word;
    line_length_ += 1 + word.size();
    has_word_on_line_ = true;
  }

  // Adds UTF-8 text as base64 encoded-words, each as long as the line allows and never
  // splitting a character. Readers drop the folding space between two encoded-words, so the
  // text reads back exactly, spaces included.
  void add_encoded(std::string_view utf8) {
    std::size_t pos = 0;
    while (pos < utf8.size()) {
      std::size_t room = line_length_ + 1 < kMaxHeaderLine ? kMaxHeaderLine - line_length_ - 1 : 0;
      if (room < kMinEncodedWord) {
        fold();
        room = kMaxHeaderLine - 1;
      }
      std::size_t max_bytes = (std::min(room, kMaxEncodedWord) - kEncodedWordOverhead) / 4 * 3;
      std::size_t end = std::min(utf8.size(), pos + max_bytes);
      end = std::max(pos, base::character_boundary_before(utf8, end));
      std::string word(kEncodedWordStart);
      word += base64(utf8.substr(pos, end - pos));
      word += kEncodedWordEnd;
      add_word(word);
      pos = end;
    }
  }

  std::string finish() const { return text_ + "\r\n"; }

 private:
  void fold() {
    text_ += "\r\n";
    line_length_ = 0;
  }

  std::string text_;
  std::size_t line_length_;
  bool has_word_on_line_ = false;
};

std::string simple_header(std::string_view name, std::string_view value) {
  HeaderField field(name);
  field.add_word(value);
  return field.finish();
}

// Defence in depth: the loaders validate addresses properly; this only refuses what could
// break out of an address in a header or an SMTP command.
void check_address(std::string_view address) {
  auto at = address.find('@');
  bool safe = at != std::string_view::npos && at != 0 && at + 1 != address.size();
  for (unsigned char c : address) {
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("<>,;:\"()[]\\").find(static_cast<char>(c)) != std::string_view::npos) {
      safe = false;
    }
  }
  if (!safe) {
    throw std::invalid_argument("refusing to write the address '" + printable(address) +
                                "' into a mail: it is not a plain addr-spec");
  }
}

void check_message_id(std::string_view id) {
  bool safe = id.size() >= 5 && id.front() == '<' && id.back() == '>';
  std::string_view inner = safe ? id.substr(1, id.size() - 2) : id;
  auto at = inner.find('@');
  safe = safe && at != std::string_view::npos && at != 0 && at + 1 != inner.size() &&
         inner.find('@', at + 1) == std::string_view::npos;
  for (unsigned char c : inner) {
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("<>,;:\"()[]\\").find(static_cast<char>(c)) != std::string_view::npos) {
      safe = false;
    }
  }
  if (!safe) {
    throw std::invalid_argument("refusing to write the Message-ID '" + printable(id) +
                                "' into a mail: expected <left@right> without spaces");
  }
}

void check_domain(std::string_view domain) {
  bool safe = !domain.empty() && std::all_of(domain.begin(), domain.end(), [](char c) {
    return base::is_ascii_alnum(c) || c == '.' || c == '-';
  });
  if (!safe) {
    throw std::invalid_argument("cannot make a Message-ID in the domain '" + printable(domain) +
                                "': expected a host name");
  }
}

// A word that can stay as it is in a display name: an RFC 5322 atom that does not look like an
// encoded-word and fits on a line.
bool is_plain_atom(std::string_view word) {
  return word.size() <= kMaxPlainWord && word.find("=?") == std::string_view::npos &&
         std::all_of(word.begin(), word.end(), is_atext);
}

void add_display_name(HeaderField& field, const std::string& name) {
  bool has_specials =
      !std::all_of(name.begin(), name.end(), [](char c) { return c == ' ' || is_atext(c); });
  if (is_plain_ascii(name) && has_specials) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
      }
      quoted += c;
    }
    quoted += '"';
    if (quoted.size() <= kMaxPlainWord) {
      field.add_word(quoted);
      return;
    }
  }
  // Atoms stay readable; each run of other words becomes encoded-words. Runs are kept whole
  // because readers disagree about the space between two adjacent encoded-words in a display
  // name: RFC 2047 §6.2 drops it, Python's parser before gh-128110 keeps it. So only a run too
  // long for one encoded-word (about 40 bytes of UTF-8) could read differently.
  std::string run;
  for (auto word : split_words(name)) {
    if (is_plain_atom(word)) {
      if (!run.empty()) {
        field.add_encoded(run);
        run.clear();
      }
      field.add_word(word);
    } else {
      run += run.empty() ? "" : " ";
      run += word;
    }
  }
  if (!run.empty()) {
    field.add_encoded(run);
  }
}

std::string address_header(std::string_view name, const std::vector<Address>& addresses) {
  HeaderField field(name);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const Address& address = addresses[i];
    check_address(address.address);
    std::string separator = i + 1 < addresses.size() ? "," : "";
    std::string display_name = clean_header_text(address.name);
    if (display_name.empty()) {
      field.add_word(address.address + separator);
    } else {
      add_display_name(field, display_name);
      field.add_word("<" + address.address + ">" + separator);
    }
  }
  return field.finish();
}

std::string subject_header(std::string_view subject) {
  std::string text = clean_header_text(subject);
  HeaderField field("Subject");
  auto words = split_words(text);
  bool words_fit = std::all_of(words.begin(), words.end(),
                               [](std::string_view word) { return word.size() <= kMaxPlainWord; });
  if (is_plain_ascii(text) && words_fit) {
    for (auto word : words) {
      field.add_word(word);
    }
  } else {
    field.add_encoded(text);
  }
  return field.finish();
}

std::string date_header(date::sys_seconds when, std::chrono::minutes utc_offset) {
  if (std::chrono::abs(utc_offset) >= std::chrono::hours{24}) {
    throw std::invalid_argument("a UTC offset of " + std::to_string(utc_offset.count()) +
                                " minutes cannot be written in a Date header");
  }
  // The fields of the local time are those of the UTC instant moved by the offset.
  std::string value =
      date::format(std::locale::classic(), "%a, %d %b %Y %H:%M:%S ", when + utc_offset);
  auto minutes = std::chrono::abs(utc_offset).count();
  value += utc_offset < std::chrono::minutes::zero() ? '-' : '+';
  for (auto part : {minutes / 60, minutes % 60}) {
    value += static_cast<char>('0' + part / 10);
    value += static_cast<char>('0' + part % 10);
  }
  return simple_header("Date", value);
}

// The characters quoted-printable writes as they are anywhere on a line: printable ASCII but '='.
// Blanks are literal too except at a line's end, and '.' and "From " except at its start.
constexpr std::array<bool, 256> kLiteralCharacters = [] {
  std::array<bool, 256> literal{};
  for (int c = 0x21; c < 0x7f; ++c) {
    literal[static_cast<std::size_t>(c)] = c != '=';
  }
  return literal;
}();

// The most bytes a line of `size` bytes encodes to: three for each byte, and a soft break
// ("=\r\n") for every 73 of those at least.
constexpr std::size_t most_quoted_printable_bytes(std::size_t size) {
  return 3 * size + 3 * (3 * size / 73 + 1);
}

// Encodes one line (without its line break) as quoted-printable into `out`, which has room for
// most_quoted_printable_bytes(line.size()); returns the end of what it wrote. Written byte by
// byte through a pointer: a national catch-up encodes hundreds of megabytes.
char* encode_quoted_printable_line(std::string_view line, char* out) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  const std::size_t size = line.size();
  std::size_t column = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == size;
    // Trailing blanks would be stripped in transit; "From " at the start of a line is
    // mangled by mbox; a lone "." line would end an SMTP transaction that is not
    // dot-stuffed. Encoding them costs a few bytes and decodes to the same text.
    const bool literal_here = kLiteralCharacters[c] || ((c == ' ' || c == '\t') && !last);
    const bool literal_at_start =
        literal_here && c != '.' && !(c == 'F' && line.substr(i).starts_with("From "));
    bool literal = column == 0 ? literal_at_start : literal_here;
    // A line with a soft break needs its last column for the '='.
    const std::size_t limit = last ? kMaxQuotedPrintableLine : kMaxQuotedPrintableLine - 1;
    if (column + (literal ? 1 : 3) > limit) {
      *out++ = '=';
      *out++ = '\r';
      *out++ = '\n';
      column = 0;
      literal = literal_at_start;
    }
    if (literal) {
      *out++ = static_cast<char>(c);
      ++column;
    } else {
      *out++ = '=';
      *out++ = kHex[c >> 4U];
      *out++ = kHex[c & 0xfU];
      column += 3;
    }
  }
  return out;
}

// RFC 2045 §6.7 quoted-printable of UTF-8 text with '\n' (or "\r\n") line ends: every line
// break becomes a CRLF hard break; lines longer than 76 characters get soft breaks.
std::string quoted_printable(std::string_view text) {
  std::string out;
  // Room for a soft break every 75 characters, and a few characters encoded.
  out.reserve(text.size() + text.size() / 25 + 16);
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find('\n', start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (end != std::string_view::npos && line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    // Room for the line at its longest and its break, then cut to what was written.
    const std::size_t written = out.size();
    out.resize(written + most_quoted_printable_bytes(line.size()) + 2);
    char* finished = encode_quoted_printable_line(line, out.data() + written);
    if (end != std::string_view::npos) {
      *finished++ = '\r';
      *finished++ = '\n';
    }
    out.resize(static_cast<std::size_t>(finished - out.data()));
    if (end == std::string_view::npos) {
      return out;
    }
    start = end + 1;
  }
}

// A boundary that occurs in neither encoded part. "=_" cannot occur in quoted-printable, so
// the first candidate always fits; the check keeps that true if the encoding ever changes.
// Made from the message's identity and its parts' sizes, the same each time the message is
// composed: hashing the parts whole took a twentieth of a national catch-up.
std::string boundary_for(const std::string& message_id, const std::string& text_part,
                         const std::string& html_part) {
  for (std::uint64_t attempt = 0;; ++attempt) {
    Hash128 hash;
    hash.add_field(message_id);
    hash.add_field(std::to_string(text_part.size()));
    hash.add_field(std::to_string(html_part.size()));
    hash.add_field(std::to_string(attempt));
    std::string boundary = "=_" + hash.hex();
    if (text_part.find(boundary) == std::string::npos &&
        html_part.find(boundary) == std::string::npos) {
      return boundary;
    }
  }
}

// Defence in depth: the config loader allows only a short line of plain ASCII; this refuses
// anything that could end the header or start another.
std::string marking_header(std::string_view marking) {
  for (unsigned char c : marking) {
    if (c < 0x20 || c >= 0x7f) {
      throw std::invalid_argument("a protective marking must be printable ASCII");
    }
  }
  return simple_header(kMarkingHeader, marking);
}

// A part of the body appended to `out`, its encoded text copied once.
void append_body_part(std::string& out, std::string_view boundary, std::string_view subtype,
                      std::string_view encoded) {
  out += "--";
  out += boundary;
  out += "\r\nContent-Type: text/";
  out += subtype;
  out += "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  out += encoded;
  // This CRLF belongs to the next delimiter, not to the part's content (RFC 2046 §5.1.1).
  out += "\r\n";
}

}  // namespace

std::string compose(const Message& message) {
  if (message.to.empty() && message.cc.empty()) {
    throw std::invalid_argument("a mail needs at least one recipient in To or Cc");
  }
  check_message_id(message.message_id);
  for (const auto& reference : message.references) {
    check_message_id(reference);
  }
  std::string text_part = quoted_printable(message.text);
  std::string html_part = quoted_printable(message.html);
  std::string boundary = boundary_for(message.message_id, text_part, html_part);

  std::string out = date_header(message.date, message.utc_offset);
  out += address_header("From", {message.from});
  if (!message.to.empty()) {
    out += address_header("To", message.to);
  }
  if (!message.cc.empty()) {
    out += address_header("Cc", message.cc);
  }
  if (message.reply_to) {
    out += address_header("Reply-To", {*message.reply_to});
  }
  out += subject_header(message.subject);
  out += simple_header("Message-ID", message.message_id);
  if (!message.references.empty()) {
    out += simple_header("In-Reply-To", message.references.back());
    HeaderField references("References");
    for (const auto& reference : message.references) {
      references.add_word(reference);
    }
    out += references.finish();
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "X-Auto-Response-Suppress: All\r\n";
  if (!message.classification.empty()) {
    out += marking_header(message.classification);
  }
  HeaderField content_type("Content-Type");
  content_type.add_word("multipart/alternative;");
  content_type.add_word("boundary=\"" + boundary + "\"");
  out += content_type.finish();
  out += "\r\n";
  // Room for both parts and their headers, so that each part is copied once.
  out.reserve(out.size() + text_part.size() + html_part.size() + 4 * boundary.size() + 256);
  append_body_part(out, boundary, "plain", text_part);
  append_body_part(out, boundary, "html", html_part);
  out += "--" + boundary + "--\r\n";
  return out;
}

std::vector<std::string> envelope_recipients(const Message& message) {
  std::vector<std::string> recipients;
  std::unordered_set<std::string> seen;
  for (const auto* list : {&message.to, &message.cc}) {
    for (const auto& address : *list) {
      check_address(address.address);
      if (seen.insert(base::ascii_lower(address.address)).second) {
        recipients.push_back(address.address);
      }
    }
  }
  return recipients;
}

std::string message_id_for(const std::vector<std::string>& keys, std::string_view domain) {
  check_domain(domain);
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  Hash128 hash;
  for (const auto& key : sorted) {
    hash.add_field(key);
  }
  return "<" + hash.hex() + "@" + std::string(domain) + ">";
}

std::string thread_id_for(std::string_view review_id, std::string_view action_id,
                          std::string_view domain) {
  check_domain(domain);
  Hash128 hash;
  hash.add(review_id);
  hash.add("\n");
  hash.add(action_id);
  return "<thread." + hash.hex() + "@" + std::string(domain) + ">";
}

}  // namespace plan_reminder::mail
