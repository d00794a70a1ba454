// Shared steps of the loaders: turning text into a checked YAML root entry.
#pragma once

#include "plan/schema.h"
#include "plan/yaml_tree.h"

#include <optional>
#include <string_view>

namespace plan_reminder::plan {

// Parses `text`; reports a syntax error or an empty file, else returns the tree.
std::optional<yaml::Node> parse_document(FileContext& context, std::string_view text);

// `value` resolved from the folder of `file` when relative.
std::string resolve_path(const std::string& file, const std::string& value);

}  // namespace plan_reminder::plan
