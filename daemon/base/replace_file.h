// Replacing a file's contents atomically: readers see the old file or the new one, never a
// half-written one (the service reloads a plan file the moment it changes), and a change made
// by someone else since the file was read is never overwritten.
#pragma once

#include "base/result.h"

#include <string>
#include <string_view>

namespace plan_reminder::base {

// Replaces the file at `path` (through a symbolic link, the file it names) with `contents`, if
// it still holds `expected`: a temporary file beside it (created exclusively, with the
// original's permissions) is written and synced, renamed over the original, and the folder is
// synced. When the file holds something else the error says so and nothing is written; on any
// failure the original is left as it was.
Result<void> replace_file_if_unchanged(const std::string& path, std::string_view expected,
                                       std::string_view contents);

// Writes `contents` to `path`, a new file or one to replace whatever it holds (a report, an
// export): through a temporary file beside it, synced and renamed over it, so that a reader
// never sees half of it; on any failure the old file, if any, is left as it was.
Result<void> write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace plan_reminder::base
