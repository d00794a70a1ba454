// Loading the web pages' templates and stylesheet (see web_templates.h).
#include "pages/web_templates.h"

#include "mail/template_text.h"
#include "mail/templates.h"
#include "pages/page_layout.h"
#include "plan/loaders.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace plan_reminder::pages {
namespace {

namespace fs = std::filesystem;

// Far beyond any stylesheet, small enough that a wrong file named as one is refused.
constexpr std::size_t kMaxStylesheetBytes = std::size_t{256} * 1024;

std::string page_key(const char* name) {
  return std::string(name) + ".html";
}

// The data of a page that shows nothing but its title.
mail::mustache::data bare_page(const std::string& title) {
  mail::mustache::data data;
  data.set("title", title);
  data.set("partnership", "");
  data.set("has_partnership", false);
  return data;
}

plan::Diagnostic stylesheet_problem(const fs::path& file, std::string message) {
  plan::Diagnostic diagnostic;
  diagnostic.file = file.string();
  diagnostic.message = std::move(message);
  diagnostic.kind = plan::FileKind::templates;
  return diagnostic;
}

}  // namespace

std::string WebTemplates::render(const std::string& name, mail::mustache::data data) const {
  return mark_page(mail::tidy_lines(mail::render_template(set_, name + ".html", data, true)),
                   classification_);
}

std::optional<WebTemplates> load_web_templates(const std::string& templates_folder,
                                               plan::Diagnostics& out,
                                               const std::string& classification) {
  std::error_code error;
  fs::path root = fs::path(templates_folder) / kWebFolder;
  // A copy of the templates made before there were web pages has emails only: the pages come
  // from the installed templates until the copy has its own web/ folder.
  if (fs::is_directory(templates_folder, error) && !fs::exists(fs::symlink_status(root, error))) {
    root = fs::path(mail::Templates::default_folder()) / kWebFolder;
  }
  std::vector<mail::TemplateFile> files;
  for (const char* name : kPageNames) {
    const std::string key = page_key(name);
    fs::path file = root / (key + mail::kExtension);
    // A page added after a copy of web/ was made (the update and coordinator's pages came with
    // agencies' updates): the copy must still load after an upgrade, so the page comes from
    // the installed templates until the copy has its own.
    if (std::find(kLaterPages.begin(), kLaterPages.end(), std::string_view(name)) !=
            kLaterPages.end() &&
        !fs::exists(fs::symlink_status(file, error))) {
      file = fs::path(mail::Templates::default_folder()) / kWebFolder / (key + mail::kExtension);
    }
    files.push_back(
        mail::TemplateFile{key, file, std::string("missing template: the ") + name + " page"});
  }
  std::optional<mail::TemplateSet> set = mail::load_template_set(root, files, out);
  const fs::path stylesheet_file = root / kStylesheet;
  base::Result<std::string> stylesheet =
      plan::read_file(stylesheet_file.string(), kMaxStylesheetBytes);
  if (!stylesheet) {
    out.add(stylesheet_problem(stylesheet_file,
                               fs::exists(fs::symlink_status(stylesheet_file, error))
                                   ? "cannot read the stylesheet: " + stylesheet.error().message
                                   : "missing stylesheet: the web pages' style.css"));
  }
  if (!set || !stylesheet) {
    return std::nullopt;
  }
  WebTemplates templates;
  templates.set_ = std::move(*set);
  templates.classification_ = classification;
  templates.stylesheet_ = std::move(*stylesheet);
  // Rendered once: they show no data, so they never change until the next load.
  templates.not_found_ = templates.render("not_found", bare_page("Page not found"));
  templates.error_ = templates.render("error", bare_page("Sorry, there is a problem"));
  return templates;
}

}  // namespace plan_reminder::pages
