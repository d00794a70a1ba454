// How every engine writes values as text and reads them back (see stored_text.h).
#include "store/stored_text.h"

#include "base/iso_day.h"

#include <zstd.h>

#include <cstring>
#include <memory>

namespace plan_reminder::store {
namespace {

// The first four bytes of every zstd frame (RFC 8878), 0xFD2FB528 little-endian.
constexpr char kZstdMagic[] = {'\x28', '\xb5', '\x2f', '\xfd'};
// No email plan-reminder writes comes near this: a larger size is damage, not to be allocated.
constexpr unsigned long long kLargestText = 256ULL << 20;

bool is_packed(std::string_view stored) {
  return stored.size() >= sizeof kZstdMagic &&
         std::memcmp(stored.data(), kZstdMagic, sizeof kZstdMagic) == 0;
}

struct FreeCompression {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};

}  // namespace

std::string packed_text(std::string_view text) {
  const std::unique_ptr<ZSTD_CCtx, FreeCompression> context(ZSTD_createCCtx());
  if (!context) {
    throw std::bad_alloc();
  }
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
  std::string packed(ZSTD_compressBound(text.size()), '\0');
  const std::size_t size =
      ZSTD_compress2(context.get(), packed.data(), packed.size(), text.data(), text.size());
  if (ZSTD_isError(size) != 0) {
    throw std::runtime_error(std::string("cannot pack a message's text: ") +
                             ZSTD_getErrorName(size));
  }
  packed.resize(size);
  packed.shrink_to_fit();
  return packed;
}

std::string unpacked_text(std::string stored) {
  if (!is_packed(stored)) {
    return stored;
  }
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kLargestText) {
    throw DamagedText("its packed text in the state is damaged (no valid size)");
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  const std::size_t unpacked =
      ZSTD_decompress(text.data(), text.size(), stored.data(), stored.size());
  if (ZSTD_isError(unpacked) != 0 || unpacked != text.size()) {
    throw DamagedText(std::string("its packed text in the state is damaged (") +
                      (ZSTD_isError(unpacked) != 0 ? ZSTD_getErrorName(unpacked) : "cut short") +
                      ")");
  }
  return text;
}

std::string join_recipients(const std::vector<std::string>& recipients) {
  std::string joined;
  for (const auto& recipient : recipients) {
    if (recipient.find_first_of("\r\n") != std::string::npos) {
      throw std::invalid_argument("an outbox recipient contains a line break: " + recipient);
    }
    if (!joined.empty()) {
      joined += '\n';
    }
    joined += recipient;
  }
  return joined;
}

std::vector<std::string> split_recipients(std::string_view joined) {
  std::vector<std::string> recipients;
  while (!joined.empty()) {
    const auto end = joined.find('\n');
    recipients.emplace_back(joined.substr(0, end));
    if (end == std::string_view::npos) {
      break;
    }
    joined.remove_prefix(end + 1);
  }
  return recipients;
}

std::optional<date::year_month_day> stored_day(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  auto day = base::parse_iso_day(text);
  if (!day) {
    throw std::runtime_error("a date in the state database is not YYYY-MM-DD: \"" + text + "\"");
  }
  return day;
}

}  // namespace plan_reminder::store
