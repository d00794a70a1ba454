// Rendering the loaded Mustache email templates: a view becomes Mustache data
// (template_data.cpp), each part renders (subject and text without escaping, HTML escaping
// every value) and is tidied (template_text.cpp).
#include "mail/templates.h"

#include "mail/mustache.h"
#include "mail/notice_kinds.h"
#include "mail/template_data.h"
#include "mail/template_loading.h"
#include "mail/template_text.h"

#include <filesystem>
#include <stdexcept>

namespace plan_reminder::mail {
namespace {

// The partial that marks where a partial's text ends when rendering (see render_source): a
// name no template can use, as load() refuses control characters in partial names.
constexpr const char* kPartialEndName = "\x02";
constexpr const char* kPartialEndTag = "{{>\x02}}";

// A value holding "{", for a partial whose text ends in one: followed by the end tag, that brace
// would open a triple-brace tag `{{{` that never closes.
constexpr const char* kBraceName = "\x03";
constexpr const char* kBraceTag = "{{&\x03}}";

// The text kainjow renders for a partial: its own, then the end tag.
std::string with_end_tag(const std::string& text) {
  if (!text.empty() && text.back() == '{') {
    return text.substr(0, text.size() - 1) + kBraceTag + kPartialEndTag;
  }
  return text + kPartialEndTag;
}

}  // namespace

std::string Templates::default_folder() {
  std::error_code error;
  if (std::filesystem::is_directory(PLAN_REMINDER_TEMPLATE_DIR, error)) {
    return PLAN_REMINDER_TEMPLATE_DIR;
  }
  return PLAN_REMINDER_SOURCE_TEMPLATE_DIR;
}

std::string render_template(const TemplateSet& set, const std::string& key, mustache::data& data,
                            bool html) {
  // kainjow renders a partial by recursing into it: each one ends with a partial tag of its
  // own that counts its end, so that nesting stays bounded even if load() missed a loop.
  int depth = 0;
  for (const auto& [name, text] : set.partials) {
    data.set(name, mustache::partial{[&text = text, &depth, &key]() {
               if (++depth > Templates::kMaxPartialDepth) {
                 throw std::logic_error("template " + key + " nests partials deeper than " +
                                        std::to_string(Templates::kMaxPartialDepth) + " levels");
               }
               return with_end_tag(text);
             }});
  }
  data.set(kBraceName, "{");
  data.set(kPartialEndName, mustache::partial{[&depth]() {
             --depth;
             return std::string();
           }});
  mustache::mustache tmpl{set.sources.at(key)};
  tmpl.set_custom_escape(html ? html_escape : no_escape);
  // Appended to one string: kainjow's own render(data) goes through an ostringstream, which
  // cost a national catch-up half a second.
  std::string result;
  tmpl.render(data, [&result](const std::string& text) { result += text; });
  if (!tmpl.is_valid()) {
    throw std::logic_error("template " + key + " failed to render: " + tmpl.error_message());
  }
  return result;
}

namespace {

RenderedEmail render_kind(const TemplateSet& set, EmailKind kind, mustache::data data) {
  RenderedEmail email;
  email.subject =
      one_line(render_template(set, template_key(kind, "subject"), data, /*html=*/false));
  data.set("email_subject", email.subject);
  email.text = tidy_lines(render_template(set, template_key(kind, "text"), data, /*html=*/false));
  email.html = tidy_lines(render_template(set, template_key(kind, "html"), data, /*html=*/true));
  return email;
}

}  // namespace

RenderedEmail Templates::render(const NoticeEmailView& view) const {
  if (!is_milestone_notice(view.kind)) {
    throw std::invalid_argument(std::string("a notice email cannot be of kind ") +
                                to_string(view.kind));
  }
  return render_kind(set_, view.kind, notice_data(view));
}

RenderedEmail Templates::render(const DigestView& view) const {
  return render_kind(set_, EmailKind::digest, digest_data(view));
}

RenderedEmail Templates::render(const FailureView& view) const {
  return render_kind(set_, EmailKind::failure, failure_data(view));
}

RenderedEmail Templates::render(const ProblemView& view) const {
  return render_kind(set_, EmailKind::problem, problem_data(view));
}

RenderedEmail Templates::render(const TestView& view) const {
  return render_kind(set_, EmailKind::test, test_data(view));
}

}  // namespace plan_reminder::mail
