// Where the template files are and what they are called, shared by loading and rendering:
// each kind of email has `<token>.<part>.mustache` for each part, and partials in `partials/`.
#pragma once

#include "mail/mustache.h"
#include "mail/views.h"
#include "plan/diagnostics.h"

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::mail {

inline constexpr std::array<const char*, 3> kParts = {"subject", "text", "html"};
inline constexpr const char* kExtension = ".mustache";
inline constexpr const char* kPartialFolder = "partials";

// "reminder.subject": how a template is named among the loaded ones (its file less extension).
std::string template_key(EmailKind kind, const char* part);

// One template a set needs: its key ("reminder.text", "board.html"; a key ending in ".html"
// must escape every value), the file it is read from, and what to say when that is missing.
struct TemplateFile {
  std::string key;
  std::filesystem::path file;
  std::string missing;
};

// Templates read, parsed and checked together: each key's text, with the partials it uses
// written in where they can be (rendered alike, parsed once), and the partials of the folder's
// partials/ by name.
struct TemplateSet {
  std::map<std::string, std::string> sources;
  std::map<std::string, std::string> partials;
};

// Reads `files` and every partial in `root`/partials, and checks them as one set (they parse,
// the partials they use exist, never loop nor nest too deep, HTML escapes every value); each
// problem is reported with its file, line and column. Emails and web pages load through it.
std::optional<TemplateSet> load_template_set(const std::filesystem::path& root,
                                             const std::vector<TemplateFile>& files,
                                             plan::Diagnostics& out);

// Renders `key` of a loaded set, escaping values for HTML or not at all. An error here means a
// template changed after it was checked, which is a bug: std::logic_error. The set's partials
// are added to `data` (not copied: a digest's data can hold thousands of items), and may be
// left there; rendering again with the same data is as rendering it first.
std::string render_template(const TemplateSet& set, const std::string& key, mustache::data& data,
                            bool html);

}  // namespace plan_reminder::mail
