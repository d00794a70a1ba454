// libzip, known only here: the archive and each open entry held by RAII handles.
#include "intake/zip_archive.h"

#include <zip.h>

#include <array>

namespace plan_reminder::intake {
namespace {

struct EntryCloser {
  void operator()(zip_file_t* entry) const { zip_fclose(entry); }
};

std::string too_large(const std::string& file, std::size_t limit) {
  return file + ": the document unpacks to more than " +
         std::to_string(limit / (std::size_t{1024} * 1024)) +
         " MB; it is refused as a possible zip bomb";
}

}  // namespace

void ZipArchive::Closer::operator()(void* archive) const {
  zip_discard(static_cast<zip_t*>(archive));
}

base::Result<ZipArchive> ZipArchive::open(std::string_view bytes, const std::string& file,
                                          const Limits& limits) {
  const std::string not_zip = file + ": not a Word (.docx) or Excel (.xlsx) document";
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return base::Error{not_zip};
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    return base::Error{not_zip + " (it is not a zip archive: " + reason + ")"};
  }
  zip_error_fini(&error);
  std::unique_ptr<void, Closer> handle(archive);
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  if (entries < 0 || static_cast<std::size_t>(entries) > limits.max_entries) {
    return base::Error{file + ": the archive has more than " + std::to_string(limits.max_entries) +
                       " parts; it is refused"};
  }
  return ZipArchive(std::move(handle), file, limits);
}

bool ZipArchive::has(const std::string& name) const {
  return zip_name_locate(static_cast<zip_t*>(archive_.get()), name.c_str(), 0) >= 0;
}

base::Result<std::string> ZipArchive::read(const std::string& name) {
  auto* archive = static_cast<zip_t*>(archive_.get());
  const zip_int64_t index = zip_name_locate(archive, name.c_str(), 0);
  if (index < 0) {
    return base::Error{file_ + ": the document has no part " + name};
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
    return base::Error{file_ + ": cannot read the part " + name};
  }
  // The sizes the archive declares are checked first; the reading below counts what really
  // comes out, as a hostile archive may declare less than it holds.
  if ((stat.valid & ZIP_STAT_SIZE) != 0 &&
      (stat.size > limits_.max_entry_bytes || stat.size + total_read_ > limits_.max_total_bytes)) {
    return base::Error{too_large(file_, limits_.max_total_bytes)};
  }
  std::unique_ptr<zip_file_t, EntryCloser> entry(
      zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0));
  if (!entry) {
    return base::Error{file_ + ": cannot open the part " + name + ": " + zip_strerror(archive)};
  }
  std::string out;
  std::array<char, std::size_t{64} * 1024> buffer{};
  for (;;) {
    const zip_int64_t got = zip_fread(entry.get(), buffer.data(), buffer.size());
    if (got < 0) {
      return base::Error{file_ + ": the part " + name +
                         " is damaged: " + zip_file_strerror(entry.get())};
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
