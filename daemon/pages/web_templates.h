// The web pages' templates (templates/web/): one Mustache template per page (board, agency,
// not_found, error) sharing a layout through partials in templates/web/partials/, and the
// stylesheet served at /assets/style.css. Loaded and checked as the email templates are
// (mail/template_loading.h): same parsing, partial and escaping rules.
#pragma once

#include "mail/mustache.h"
#include "mail/template_loading.h"
#include "plan/diagnostics.h"

#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::pages {

// The pages there are, each `<name>.html.mustache` in the web folder.
inline constexpr std::array<const char*, 6> kPageNames = {"board",   "agency",    "update",
                                                          "updates", "not_found", "error"};
// Pages a copy of web/ made before they existed takes from the installed templates.
inline constexpr std::array<std::string_view, 2> kLaterPages = {"update", "updates"};
inline constexpr const char* kWebFolder = "web";
inline constexpr const char* kStylesheet = "style.css";

class WebTemplates {
 public:
  // Renders page `name` (one of kPageNames) with `data`, every value escaped, marked at its top
  // and bottom with the config's classification when there is one (pages/page_layout.h).
  std::string render(const std::string& name, mail::mustache::data data) const;

  // The plain "Page not found" page (404) and the error page (500): they show no data at all,
  // not even the partnership's name, so that they reveal nothing of what exists.
  const std::string& not_found_page() const { return not_found_; }
  const std::string& error_page() const { return error_; }

  // The stylesheet, as read (served at /assets/style.css).
  const std::string& stylesheet() const { return stylesheet_; }

 private:
  friend std::optional<WebTemplates> load_web_templates(const std::string& templates_folder,
                                                        plan::Diagnostics& out,
                                                        const std::string& classification);
  mail::TemplateSet set_;
  std::string classification_;
  std::string not_found_;
  std::string error_;
  std::string stylesheet_;
};

// Loads the web templates from `templates_folder`/web, `templates_folder` being the config's
// `templates:` folder or mail::Templates::default_folder(). A folder without web/ (a copy of
// the email templates made before there were pages) takes the installed pages. Each missing or
// malformed file is reported (kind FileKind::templates) with its line and column, so that
// `check` and a reload refuse a broken page as they refuse a broken email. `classification` is
// the config's protective marking, shown on every page (empty: none).
std::optional<WebTemplates> load_web_templates(const std::string& templates_folder,
                                               plan::Diagnostics& out,
                                               const std::string& classification = "");

}  // namespace plan_reminder::pages
