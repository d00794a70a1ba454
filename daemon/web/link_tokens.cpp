// Link tokens: HMAC-SHA256 with libsodium. libsodium rather than OpenSSL: the daemon maps
// libcurl, and with it OpenSSL, only while it delivers over SMTP (mail/curl_library.cpp), to
// keep its memory small between send times; libsodium is small and always mapped.
#include "web/link_tokens.h"

#include "base/secret_file.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <new>
#include <span>
#include <stdexcept>
#include <utility>

namespace plan_reminder::web {
namespace {

// What the MAC is over begins with this, so that a MAC made for anything else with the same
// key can never pass for a link token. "v1": the layout below; a new layout gets a new tag.
constexpr std::string_view kDomainTag = "plan-reminder link v1";

// The first byte of a token says what follows the byte: the MAC alone, or the last day (days
// since 1970-01-01, 4 bytes big-endian) and then the MAC.
constexpr unsigned char kLasting = 1;
constexpr unsigned char kExpiring = 2;
constexpr std::size_t kMacBytes = crypto_auth_hmacsha256_BYTES;
constexpr std::size_t kDayBytes = 4;
constexpr std::size_t kMaxTokenBytes = 1 + kDayBytes + kMacBytes;
// Longer text than the longest token is refused before it is decoded.
constexpr std::size_t kMaxTokenChars = 64;

void ensure_sodium() {
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium cannot be initialised");
  }
}

// The HMAC over the unambiguous encoding of the link: every field length-prefixed, so that no
// two different links give the same message (("ab", "c") is not ("a", "bc")).
class LinkMac {
 public:
  explicit LinkMac(const LinkSecret& secret) noexcept {
    crypto_auth_hmacsha256_init(&state_, secret.data(), secret.size());
  }
  LinkMac(const LinkMac&) = delete;
  LinkMac& operator=(const LinkMac&) = delete;
  ~LinkMac() { sodium_memzero(&state_, sizeof state_); }

  void number(std::uint64_t value, std::size_t bytes) noexcept {
    std::array<unsigned char, 8> big_endian{};
    for (std::size_t i = 0; i < bytes; ++i) {
      big_endian[bytes - 1 - i] = static_cast<unsigned char>(value >> (8 * i));
    }
    crypto_auth_hmacsha256_update(&state_, big_endian.data(), bytes);
  }
  void field(std::string_view text) noexcept {
    number(text.size(), 8);
    crypto_auth_hmacsha256_update(&state_, reinterpret_cast<const unsigned char*>(text.data()),
                                  text.size());
  }
  void final(std::span<unsigned char, kMacBytes> out) noexcept {
    crypto_auth_hmacsha256_final(&state_, out.data());
  }

 private:
  crypto_auth_hmacsha256_state state_{};
};

void link_mac(const LinkSecret& secret, const LinkSubject& subject, std::uint64_t epoch,
              std::optional<std::uint32_t> last_day, std::span<unsigned char, kMacBytes> out) {
  LinkMac mac(secret);
  mac.field(kDomainTag);
  mac.field(purpose_name(subject.purpose));
  mac.field(subject.id);
  mac.number(epoch, 8);
  // The last day as a field of 0 or 4 bytes: a lasting link is never an expiring one.
  mac.number(last_day ? kDayBytes : 0, 8);
  if (last_day) {
    mac.number(*last_day, kDayBytes);
  }
  mac.number(subject.scope.size(), 8);
  for (const auto& value : subject.scope) {
    mac.field(value);
  }
  mac.final(out);
}

// A day as the token carries it: days since 1970-01-01, or nullopt outside what 4 bytes hold.
std::optional<std::uint32_t> day_number(date::year_month_day day) {
  if (!day.ok()) {
    return std::nullopt;
  }
  const std::int64_t days = date::sys_days(day).time_since_epoch().count();
  if (days < 0 || days > std::int64_t{std::numeric_limits<std::uint32_t>::max()}) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(days);
}

// Guarded memory for a secret (sodium_malloc: guard pages, locked where the system allows),
// wiped and freed on every way out unless released.
class GuardedBytes {
 public:
  explicit GuardedBytes(std::size_t size)
      : bytes_(static_cast<unsigned char*>(sodium_malloc(size))) {
    if (bytes_ == nullptr) {
      throw std::bad_alloc();
    }
  }
  GuardedBytes(const GuardedBytes&) = delete;
  GuardedBytes& operator=(const GuardedBytes&) = delete;
  ~GuardedBytes() { sodium_free(bytes_); }  // wipes first
  unsigned char* get() const { return bytes_; }
  unsigned char* release() { return std::exchange(bytes_, nullptr); }

 private:
  unsigned char* bytes_;
};

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string encode_base64(std::span<const unsigned char> bytes) {
  std::string text(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.size() - 1);  // the terminating NUL
  return text;
}

}  // namespace

std::string_view purpose_name(LinkPurpose purpose) {
  switch (purpose) {
    case LinkPurpose::board:
      return "board";
    case LinkPurpose::agency:
      return "agency";
    case LinkPurpose::feed:
      return "feed";
    case LinkPurpose::update:
      return "update";
    case LinkPurpose::coordinator:
      return "coordinator";
  }
  return "unknown";
}

base::Result<LinkSecret> LinkSecret::load(const plan::WebSettings& web) {
  auto path = base::secret_file_path(web.secret_file, web.credential, "web", "secret_file");
  if (!path) {
    return path.error();
  }
  return read(*path);
}

base::Result<bool> LinkSecret::create_if_missing(const plan::WebSettings& web) {
  if (web.secret_file.empty()) {
    return false;  // a systemd credential: systemd provides it
  }
  ensure_sodium();
  GuardedBytes bytes(kMinBytes);
  randombytes_buf(bytes.get(), kMinBytes);
  return base::create_secret_file(
      web.secret_file,
      std::span<const char>(reinterpret_cast<const char*>(bytes.get()), kMinBytes));
}

base::Result<LinkSecret> LinkSecret::read(const std::string& path) {
  ensure_sodium();
  GuardedBytes bytes(kMaxBytes);
  auto size =
      base::read_secret_file(path, "the link secret file",
                             std::span<char>(reinterpret_cast<char*>(bytes.get()), kMaxBytes));
  if (!size) {
    return size.error();
  }
  if (*size < kMinBytes) {
    return base::Error{"the link secret file " + path + " is too short (" + std::to_string(*size) +
                       " bytes; at least " + std::to_string(kMinBytes) +
                       " random bytes are needed): make a new one with head -c 32 /dev/urandom > " +
                       path + " && chmod 600 " + path};
  }
  sodium_mprotect_readonly(bytes.get());
  return LinkSecret(bytes.release(), *size);
}

LinkSecret LinkSecret::from_bytes(std::string_view bytes) {
  if (bytes.size() < kMinBytes || bytes.size() > kMaxBytes) {
    throw std::invalid_argument("a link secret has 32 to 4096 bytes");
  }
  ensure_sodium();
  GuardedBytes guarded(bytes.size());
  std::copy(bytes.begin(), bytes.end(), guarded.get());
  sodium_mprotect_readonly(guarded.get());
  return LinkSecret(guarded.release(), bytes.size());
}

LinkSecret::LinkSecret(LinkSecret&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)), size_(std::exchange(other.size_, 0)) {}

LinkSecret& LinkSecret::operator=(LinkSecret&& other) noexcept {
  if (this != &other) {
    sodium_free(bytes_);
    bytes_ = std::exchange(other.bytes_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

LinkSecret::~LinkSecret() {
  sodium_free(bytes_);
}

std::string sign(const LinkSecret& secret, const LinkSubject& subject, std::uint64_t epoch,
                 std::optional<date::year_month_day> last_day) {
  std::optional<std::uint32_t> day;
  if (last_day) {
    day = day_number(*last_day);
    if (!day) {
      throw std::invalid_argument("a link's last day must be a real day from 1970 on");
    }
  }
  std::array<unsigned char, kMaxTokenBytes> token{};
  std::size_t at = 0;
  token[at++] = day ? kExpiring : kLasting;
  if (day) {
    for (std::size_t i = 0; i < kDayBytes; ++i) {
      token[at++] = static_cast<unsigned char>(*day >> (8 * (kDayBytes - 1 - i)));
    }
  }
  link_mac(secret, subject, epoch, day, std::span<unsigned char, kMacBytes>(&token[at], kMacBytes));
  at += kMacBytes;
  return encode_base64(std::span<const unsigned char>(token.data(), at));
}

std::string_view describe(LinkCheck check) {
  switch (check) {
    case LinkCheck::valid:
      return "valid";
    case LinkCheck::malformed:
      return "not a link token";
    case LinkCheck::not_signed:
      return "not signed for this link (altered, revoked or another link's)";
    case LinkCheck::expired:
      return "expired";
  }
  return "unknown";
}

LinkCheck verify(const LinkSecret& secret, const LinkSubject& subject, std::uint64_t epoch,
                 std::string_view token, date::year_month_day today) noexcept {
  if (token.empty() || token.size() > kMaxTokenChars) {
    return LinkCheck::malformed;
  }
  // Only the 64 characters of base64url, checked here: libsodium 1.0.18 reads a byte with the
  // high bit set as a character 128 below it (0xDF as '_'), so that an altered token would
  // still decode to the genuine bytes (found by tests/fuzz/link_token_fuzzer.cpp).
  for (char c : token) {
    if (!is_base64url(c)) {
      return LinkCheck::malformed;
    }
  }
  std::array<unsigned char, kMaxTokenBytes> bytes{};
  std::size_t size = 0;
  // No characters ignored and no end pointer: anything but canonical base64url is refused,
  // including leftover bits that are not zero.
  if (sodium_base642bin(bytes.data(), bytes.size(), token.data(), token.size(), nullptr, &size,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return LinkCheck::malformed;
  }
  std::optional<std::uint32_t> last_day;
  std::size_t at = 1;
  if (size == 1 + kMacBytes && bytes[0] == kLasting) {
    // the MAC follows
  } else if (size == 1 + kDayBytes + kMacBytes && bytes[0] == kExpiring) {
    std::uint32_t day = 0;
    for (std::size_t i = 0; i < kDayBytes; ++i) {
      day = (day << 8) | bytes[at++];
    }
    last_day = day;
  } else {
    return LinkCheck::malformed;
  }
  std::array<unsigned char, kMacBytes> expected{};
  link_mac(secret, subject, epoch, last_day, expected);
  const bool genuine = crypto_verify_32(expected.data(), &bytes[at]) == 0;
  sodium_memzero(expected.data(), expected.size());
  if (!genuine) {
    return LinkCheck::not_signed;
  }
  if (last_day) {
    std::optional<std::uint32_t> now = day_number(today);
    if (!now || *now > *last_day) {
      return LinkCheck::expired;
    }
  }
  return LinkCheck::valid;
}

date::year_month_day emailed_link_last_day(date::year_month_day sent, int link_days) {
  return date::year_month_day{date::sys_days(sent) + date::days(link_days)};
}

namespace {

constexpr std::string_view kFormTag = "plan-reminder form token v1";

void form_mac(const LinkSecret& secret, std::string_view link_token,
              std::span<unsigned char, kMacBytes> out) noexcept {
  LinkMac mac(secret);
  mac.field(kFormTag);
  mac.field(link_token);
  mac.final(out);
}

}  // namespace

std::string form_token(const LinkSecret& secret, std::string_view link_token) {
  ensure_sodium();
  std::array<unsigned char, kMacBytes> mac{};
  form_mac(secret, link_token, mac);
  return encode_base64(mac);
}

bool form_token_matches(const LinkSecret& secret, std::string_view link_token,
                        std::string_view sent) noexcept {
  std::array<unsigned char, kMacBytes> mac{};
  form_mac(secret, link_token, mac);
  std::array<unsigned char, kMacBytes> given{};
  std::size_t length = 0;
  if (sent.size() > kMaxTokenChars ||
      sodium_base642bin(given.data(), given.size(), sent.data(), sent.size(), nullptr, &length,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      length != kMacBytes) {
    return false;
  }
  return sodium_memcmp(mac.data(), given.data(), kMacBytes) == 0;
}

std::string token_id(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, 16> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  std::string hex(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  hex.pop_back();
  return hex;
}

std::string epoch_setting(const LinkSubject& subject) {
  return "link-epoch/" + std::string(purpose_name(subject.purpose)) + "/" + subject.id;
}

std::uint64_t current_epoch(store::StateStore& state, const LinkSubject& subject) {
  const std::string name = epoch_setting(subject);
  std::optional<std::string> stored = state.setting(name);
  if (!stored) {
    return 0;
  }
  std::uint64_t epoch = 0;
  auto [end, error] = std::from_chars(stored->data(), stored->data() + stored->size(), epoch);
  if (error != std::errc() || end != stored->data() + stored->size() || stored->empty()) {
    throw std::runtime_error("the state's setting " + name + " is damaged: it is not a number");
  }
  return epoch;
}

std::uint64_t revoke(store::StateStore& state, const LinkSubject& subject) {
  const std::uint64_t next = current_epoch(state, subject) + 1;
  state.set_setting(epoch_setting(subject), std::to_string(next));
  return next;
}

namespace {

// RFC 3986 unreserved characters stay; every other byte becomes %XX.
std::string percent_encoded(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

}  // namespace

std::string link_url(std::string_view base_url, const LinkSubject& subject,
                     std::string_view token) {
  while (!base_url.empty() && base_url.back() == '/') {
    base_url.remove_suffix(1);
  }
  std::string url(base_url);
  switch (subject.purpose) {
    case LinkPurpose::board:
      url += "/board";
      break;
    case LinkPurpose::agency:
      url += "/agency/" + percent_encoded(subject.id);
      break;
    case LinkPurpose::feed:
      url += "/feeds/" + percent_encoded(subject.id) + ".ics";
      break;
    case LinkPurpose::update:
      url += "/update/" + percent_encoded(subject.id) +
             "?m=" + percent_encoded(subject.scope.empty() ? std::string() : subject.scope.front());
      return url + "&t=" + std::string(token);
    case LinkPurpose::coordinator:
      url += "/updates";
      break;
  }
  return url + "?t=" + std::string(token);
}

}  // namespace plan_reminder::web
