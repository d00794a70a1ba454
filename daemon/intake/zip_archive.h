// Reading the parts of an Office Open XML file (.docx, .xlsx are zip archives) through libzip,
// loaded at the first archive opened, with limits on entries and uncompressed sizes so that a
// zip bomb is refused, not inflated.
#pragma once

#include "base/result.h"
#include "intake/table.h"

#include <memory>
#include <string>
#include <string_view>

namespace plan_reminder::intake {

class ZipArchive {
 public:
  // Opens the archive held in `bytes` (which must outlive it); `file` names it in errors.
  static base::Result<ZipArchive> open(std::string_view bytes, const std::string& file,
                                       const Limits& limits);

  // True when the archive has an entry of that name.
  bool has(const std::string& name) const;
  // The uncompressed bytes of entry `name`. Refuses, before inflating it all, an entry larger
  // than the limit, and every entry once the total read reaches the archive's limit.
  base::Result<std::string> read(const std::string& name);

 private:
  struct Closer {
    void operator()(void* archive) const;
  };
  ZipArchive(std::unique_ptr<void, Closer> archive, std::string file, Limits limits)
      : archive_(std::move(archive)), file_(std::move(file)), limits_(limits) {}

  std::unique_ptr<void, Closer> archive_;  // a zip_t*
  std::string file_;
  Limits limits_;
  std::size_t total_read_ = 0;
};

}  // namespace plan_reminder::intake
