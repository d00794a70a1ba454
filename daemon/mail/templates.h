// The email templates (Mustache): for each kind a subject, a text and an HTML part, in
// `<kind>.subject.mustache`, `<kind>.text.mustache` and `<kind>.html.mustache`, with shared
// partials in `partials/`. Loaded from the configured folder or the installed default.
#pragma once

#include "mail/template_loading.h"
#include "mail/views.h"
#include "plan/diagnostics.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace plan_reminder::mail {

class Templates {
 public:
  // How deeply partials may nest below an email's template: checked when loading, and
  // enforced when rendering.
  static constexpr int kMaxPartialDepth = 16;

  // Reads and parses every template; each missing or malformed file is reported (kind
  // FileKind::templates) with its line and column where known.
  static std::optional<Templates> load(const std::string& folder, plan::Diagnostics& out);

  // The folder used when the config names none: the installed templates, or the source
  // tree's when running from a build folder.
  static std::string default_folder();

  RenderedEmail render(const NoticeEmailView& view) const;
  RenderedEmail render(const DigestView& view) const;
  RenderedEmail render(const FailureView& view) const;
  RenderedEmail render(const ProblemView& view) const;
  RenderedEmail render(const TestView& view) const;

  // Whether the text part of `kind` shows the coordinator's decisions (`{{#decisions}}`, itself
  // or through its partials): a copy of the templates made before there were decisions does
  // not, and an agency is told a decision only by an email that shows it.
  bool tells_decisions(EmailKind kind) const;
  // Whether the text part of `kind` opens a section `name` (`{{#name}}`), itself or through its
  // partials: what `check` asks of a copy of the templates made before a section existed.
  bool shows(EmailKind kind, std::string_view name) const;

 private:
  TemplateSet set_;  // "reminder.subject" -> template text, and the partials
  std::set<EmailKind> telling_decisions_;
};

}  // namespace plan_reminder::mail
