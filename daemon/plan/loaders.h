// Reading and validating the three kinds of file a deployment has: the daemon config, the
// agency directory and the plans. Each parse_* function takes the text and the file name it
// came from, reports every problem into `out`, and returns what it could read (nullopt only when
// the text is not YAML at all). Relative paths are resolved from the file's own folder.
#pragma once

#include "base/result.h"
#include "plan/config.h"
#include "plan/diagnostics.h"
#include "plan/model.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::plan {

// The largest file read_file() reads: a plan of a thousand actions is under 1 MiB.
inline constexpr std::size_t kMaxFileBytes = std::size_t{16} * 1024 * 1024;

// Reads a whole regular file; on failure the error says why, as a phrase to follow "cannot read
// X: " ("No such file or directory", "it is a folder, not a file", "it is not a regular file (a
// FIFO)", "it is larger than 16 MiB, ..."). Never blocks on a FIFO or a device, and reads
// nothing larger than `max_bytes`. Safe for any path a user can name; the templates are read
// with it too, with a smaller limit.
base::Result<std::string> read_file(const std::string& path, std::size_t max_bytes = kMaxFileBytes);

std::optional<Config> parse_config(std::string_view text, const std::string& file,
                                   Diagnostics& out);
std::optional<Config> load_config(const std::string& file, Diagnostics& out);

std::optional<Directory> parse_directory(std::string_view text, const std::string& file,
                                         Diagnostics& out);
std::optional<Directory> load_directory(const std::string& file, Diagnostics& out);

std::optional<Plan> parse_plan(std::string_view text, const std::string& file,
                               QuarterStyle quarters, Diagnostics& out);

// Lead and support agencies that the directory does not define, reported where the plan
// names them.
void check_agency_references(const Plan& plan, const Directory& directory, Diagnostics& out);

}  // namespace plan_reminder::plan
