// Reading and validating the three kinds of file a deployment has: the daemon config, the
// agency directory and the plans. Each parse_* function takes the text and the file name it
// came from, reports every problem into `out`, and returns what it could read (nullopt only when
// the text is not YAML at all). Relative paths are resolved from the file's own folder.
#pragma once

#include "plan/diagnostics.h"
#include "plan/model.h"

#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::plan {

// Reads a whole file; on failure returns false and sets `error` ("No such file or directory").
bool read_file(const std::string& path, std::string& text, std::string& error);

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
