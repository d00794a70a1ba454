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

// Writes a new file at `path` atomically: a temporary file beside it is written and synced,
// then linked to `path`, which fails when `path` exists (or renamed over it when `overwrite`),
// and the folder is synced. Readers never see a half-written file; on failure nothing is left.
Result<void> write_file_atomically(const std::string& path, std::string_view contents,
                                   bool overwrite);

}  // namespace plan_reminder::base
