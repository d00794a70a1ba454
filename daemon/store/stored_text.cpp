// How every engine writes values as text and reads them back (see stored_text.h).
#include "store/stored_text.h"

#include "base/iso_day.h"
#include "base/shared_library.h"

#include <zstd.h>

#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

namespace plan_reminder::store {
namespace {

// The first four bytes of every zstd frame (RFC 8878), 0xFD2FB528 little-endian.
constexpr char kZstdMagic[] = {'\x28', '\xb5', '\x2f', '\xfd'};
// Smaller texts are kept as they are (see stored_text.h).
constexpr std::size_t kSmallestPacked = std::size_t{64} << 10U;
// No email plan-reminder writes comes near this: a larger size is damage, not to be allocated.
constexpr unsigned long long kLargestText = 256ULL << 20;

bool is_packed(std::string_view stored) {
  return stored.size() >= sizeof kZstdMagic &&
         std::memcmp(stored.data(), kZstdMagic, sizeof kZstdMagic) == 0;
}

// The zstd functions used, typed from zstd.h so that a mismatch fails to compile.
struct ZstdLibrary {
  decltype(&::ZSTD_createCCtx) create_context;
  decltype(&::ZSTD_freeCCtx) free_context;
  decltype(&::ZSTD_CCtx_setParameter) set_parameter;
  decltype(&::ZSTD_compressBound) compress_bound;
  decltype(&::ZSTD_compress2) compress;
  decltype(&::ZSTD_isError) is_error;
  decltype(&::ZSTD_getErrorName) error_name;
  decltype(&::ZSTD_getFrameContentSize) frame_content_size;
  decltype(&::ZSTD_decompress) decompress;
};

bool resolve_all(const base::SharedLibrary& library, ZstdLibrary& l, std::string& e) {
  return library.resolve("ZSTD_createCCtx", l.create_context, e) &&
         library.resolve("ZSTD_freeCCtx", l.free_context, e) &&
         library.resolve("ZSTD_CCtx_setParameter", l.set_parameter, e) &&
         library.resolve("ZSTD_compressBound", l.compress_bound, e) &&
         library.resolve("ZSTD_compress2", l.compress, e) &&
         library.resolve("ZSTD_isError", l.is_error, e) &&
         library.resolve("ZSTD_getErrorName", l.error_name, e) &&
         library.resolve("ZSTD_getFrameContentSize", l.frame_content_size, e) &&
         library.resolve("ZSTD_decompress", l.decompress, e);
}

// libzstd (libzstd.so.1), loaded at the first text large enough to pack, or packed, and never
// unloaded: linked, its mapping alone kept 0.6 MB resident in every idle daemon, though a
// partnership's usual email is a few kilobytes and never packed. Thread-safe.
const ZstdLibrary& zstd() {
  static const auto loaded = base::load_functions<ZstdLibrary>(
      "libzstd.so.1", "the emails' text in the state", "libzstd1", resolve_all);
  return loaded.get();
}

}  // namespace

std::string packed_text(std::string_view text) {
  if (text.size() < kSmallestPacked || is_packed(text)) {
    return std::string(text);
  }
  const ZstdLibrary& z = zstd();
  ZSTD_CCtx* context = z.create_context();
  if (context == nullptr) {
    throw std::bad_alloc();
  }
  const std::unique_ptr<ZSTD_CCtx, decltype(z.free_context)> owned(context, z.free_context);
  z.set_parameter(context, ZSTD_c_compressionLevel, 1);
  z.set_parameter(context, ZSTD_c_checksumFlag, 1);
  std::string packed(z.compress_bound(text.size()), '\0');
  const std::size_t size =
      z.compress(context, packed.data(), packed.size(), text.data(), text.size());
  if (z.is_error(size) != 0) {
    throw std::runtime_error(std::string("cannot pack a message's text: ") + z.error_name(size));
  }
  packed.resize(size);
  packed.shrink_to_fit();
  return packed;
}

std::string unpacked_text(std::string stored) {
  if (!is_packed(stored)) {
    return stored;
  }
  const ZstdLibrary& z = zstd();
  const unsigned long long size = z.frame_content_size(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kLargestText) {
    throw DamagedText("its packed text in the state is damaged (no valid size)");
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  const std::size_t unpacked = z.decompress(text.data(), text.size(), stored.data(), stored.size());
  if (z.is_error(unpacked) != 0 || unpacked != text.size()) {
    throw DamagedText(std::string("its packed text in the state is damaged (") +
                      (z.is_error(unpacked) != 0 ? z.error_name(unpacked) : "cut short") + ")");
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
