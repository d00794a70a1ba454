#include "plan/loader_common.h"

#include "plan/loaders.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace plan_reminder::plan {

bool read_file(const std::string& path, std::string& text, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return false;
  }
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) {
    error = "cannot determine the file's size";
    return false;
  }
  text.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  in.read(text.data(), size);
  if (!in) {
    error = std::strerror(errno);
    return false;
  }
  return true;
}

std::optional<yaml::Node> parse_document(FileContext& context, std::string_view text) {
  yaml::ParseResult parsed = yaml::parse(text);
  if (!parsed.ok) {
    context.error(parsed.error_mark, "", "invalid YAML: " + parsed.error);
    return std::nullopt;
  }
  if (parsed.root.is_null()) {
    context.error(yaml::Mark{1, 1}, "", "the file is empty");
    return std::nullopt;
  }
  return std::move(parsed.root);
}

std::string resolve_path(const std::string& file, const std::string& value) {
  std::filesystem::path path(value);
  if (path.is_absolute()) {
    return path.lexically_normal().string();
  }
  std::filesystem::path base = std::filesystem::path(file).parent_path();
  return (base / path).lexically_normal().string();
}

}  // namespace plan_reminder::plan
