// libzip, known only here: the archive and each open entry held by RAII handles.
#include "intake/zip_archive.h"

#include "base/shared_library.h"

#include <zip.h>

#include <array>

namespace plan_reminder::intake {
namespace {

// The libzip functions used, typed from zip.h so that a mismatch fails to compile.
struct ZipLibrary {
  decltype(&::zip_error_init) error_init;
  decltype(&::zip_error_fini) error_fini;
  decltype(&::zip_error_strerror) error_strerror;
  decltype(&::zip_source_buffer_create) source_buffer_create;
  decltype(&::zip_source_free) source_free;
  decltype(&::zip_open_from_source) open_from_source;
  decltype(&::zip_discard) discard;
  decltype(&::zip_get_num_entries) get_num_entries;
  decltype(&::zip_name_locate) name_locate;
  decltype(&::zip_stat_init) stat_init;
  decltype(&::zip_stat_index) stat_index;
  decltype(&::zip_fopen_index) fopen_index;
  decltype(&::zip_fread) fread;
  decltype(&::zip_fclose) fclose;
  decltype(&::zip_strerror) strerror;
  decltype(&::zip_file_strerror) file_strerror;
};

bool resolve_all(const base::SharedLibrary& library, ZipLibrary& l, std::string& e) {
  return library.resolve("zip_error_init", l.error_init, e) &&
         library.resolve("zip_error_fini", l.error_fini, e) &&
         library.resolve("zip_error_strerror", l.error_strerror, e) &&
         library.resolve("zip_source_buffer_create", l.source_buffer_create, e) &&
         library.resolve("zip_source_free", l.source_free, e) &&
         library.resolve("zip_open_from_source", l.open_from_source, e) &&
         library.resolve("zip_discard", l.discard, e) &&
         library.resolve("zip_get_num_entries", l.get_num_entries, e) &&
         library.resolve("zip_name_locate", l.name_locate, e) &&
         library.resolve("zip_stat_init", l.stat_init, e) &&
         library.resolve("zip_stat_index", l.stat_index, e) &&
         library.resolve("zip_fopen_index", l.fopen_index, e) &&
         library.resolve("zip_fread", l.fread, e) && library.resolve("zip_fclose", l.fclose, e) &&
         library.resolve("zip_strerror", l.strerror, e) &&
         library.resolve("zip_file_strerror", l.file_strerror, e);
}

// libzip (libzip.so.4), loaded at the first .docx or .xlsx read and never unloaded: linked, it
// and the libcrypto and libbz2 it brings kept about 2 MB resident in every idle daemon, though
// only `import` reads an Office document. Thread-safe.
const base::LoadedFunctions<ZipLibrary>& loaded_zip() {
  static const auto loaded = base::load_functions<ZipLibrary>(
      "libzip.so.4", "reading .docx and .xlsx", "libzip4", resolve_all);
  return loaded;
}

// Once an archive is open, libzip is loaded.
const ZipLibrary& zip() {
  return loaded_zip().get();
}

struct EntryCloser {
  void operator()(zip_file_t* entry) const { zip().fclose(entry); }
};

std::string too_large(const std::string& file, std::size_t limit) {
  return file + ": the document unpacks to more than " +
         std::to_string(limit / (std::size_t{1024} * 1024)) +
         " MB; it is refused as a possible zip bomb";
}

}  // namespace

void ZipArchive::Closer::operator()(void* archive) const {
  zip().discard(static_cast<zip_t*>(archive));
}

base::Result<ZipArchive> ZipArchive::open(std::string_view bytes, const std::string& file,
                                          const Limits& limits) {
  const auto& loaded = loaded_zip();
  if (!loaded.error.empty()) {
    return base::Error{file + ": " + loaded.error};
  }
  const ZipLibrary& z = loaded.functions;
  const std::string not_zip = file + ": not a Word (.docx) or Excel (.xlsx) document";
  zip_error_t error;
  z.error_init(&error);
  zip_source_t* source = z.source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    z.error_fini(&error);
    return base::Error{not_zip};
  }
  zip_t* archive = z.open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    z.source_free(source);
    std::string reason = z.error_strerror(&error);
    z.error_fini(&error);
    return base::Error{not_zip + " (it is not a zip archive: " + reason + ")"};
  }
  z.error_fini(&error);
  std::unique_ptr<void, Closer> handle(archive);
  const zip_int64_t entries = z.get_num_entries(archive, 0);
  if (entries < 0 || static_cast<std::size_t>(entries) > limits.max_entries) {
    return base::Error{file + ": the archive has more than " + std::to_string(limits.max_entries) +
                       " parts; it is refused"};
  }
  return ZipArchive(std::move(handle), file, limits);
}

bool ZipArchive::has(const std::string& name) const {
  return zip().name_locate(static_cast<zip_t*>(archive_.get()), name.c_str(), 0) >= 0;
}

base::Result<std::string> ZipArchive::read(const std::string& name) {
  const ZipLibrary& z = zip();
  auto* archive = static_cast<zip_t*>(archive_.get());
  const zip_int64_t index = z.name_locate(archive, name.c_str(), 0);
  if (index < 0) {
    return base::Error{file_ + ": the document has no part " + name};
  }
  zip_stat_t stat;
  z.stat_init(&stat);
  if (z.stat_index(archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
    return base::Error{file_ + ": cannot read the part " + name};
  }
  // The sizes the archive declares are checked first; the reading below counts what really
  // comes out, as a hostile archive may declare less than it holds.
  if ((stat.valid & ZIP_STAT_SIZE) != 0 &&
      (stat.size > limits_.max_entry_bytes || stat.size + total_read_ > limits_.max_total_bytes)) {
    return base::Error{too_large(file_, limits_.max_total_bytes)};
  }
  std::unique_ptr<zip_file_t, EntryCloser> entry(
      z.fopen_index(archive, static_cast<zip_uint64_t>(index), 0));
  if (!entry) {
    return base::Error{file_ + ": cannot open the part " + name + ": " + z.strerror(archive)};
  }
  std::string out;
  std::array<char, std::size_t{64} * 1024> buffer{};
  for (;;) {
    const zip_int64_t got = z.fread(entry.get(), buffer.data(), buffer.size());
    if (got < 0) {
      return base::Error{file_ + ": the part " + name +
                         " is damaged: " + z.file_strerror(entry.get())};
    }
    if (got == 0) {
      break;
    }
    const auto count = static_cast<std::size_t>(got);
    if (out.size() + count > limits_.max_entry_bytes ||
        total_read_ + out.size() + count > limits_.max_total_bytes) {
      return base::Error{too_large(file_, limits_.max_total_bytes)};
    }
    out.append(buffer.data(), count);
  }
  total_read_ += out.size();
  return out;
}

}  // namespace plan_reminder::intake
