#include "service/deployment.h"

#include "plan/loaders.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <set>

namespace plan_reminder::service {

std::vector<std::string> watched_folders(const plan::Config& config,
                                         const std::string& templates_folder) {
  namespace fs = std::filesystem;
  std::set<std::string> folders;
  auto add = [&folders](const fs::path& folder) {
    std::error_code error;
    if (!folder.empty() && fs::is_directory(folder, error)) {
      folders.insert(folder.lexically_normal().string());
    }
  };
  add(fs::path(config.file).parent_path());
  add(fs::path(config.directory).parent_path());
  for (const auto& source : config.plan_sources) {
    fs::path path(source.path);
    std::error_code error;
    if (fs::is_directory(path, error)) {
      add(path);
      continue;
    }
    // The folder part of a glob: the components before the first one with a wildcard.
    fs::path folder;
    for (const auto& part : path.parent_path()) {
      if (part.string().find_first_of("*?[") != std::string::npos) {
        break;
      }
      folder /= part;
    }
    add(folder);
  }
  add(templates_folder);
  add(fs::path(templates_folder) / "partials");
  add(fs::path(templates_folder) / pages::kWebFolder);
  add(fs::path(templates_folder) / pages::kWebFolder / "partials");
  if (config.holidays_source != "england-and-wales") {
    add(fs::path(config.holidays_source).parent_path());
  }
  return {folders.begin(), folders.end()};
}

DeploymentLoad DeploymentLoader::load(const std::string& config_file) {
  auto started = std::chrono::steady_clock::now();
  DeploymentLoad result;
  plan::LoadResult plans = plans_.load(config_file);
  spdlog::debug("{}: {} plan file(s) parsed, the rest unchanged since the last load, {} problem(s)",
                config_file, plans_.parsed_last_time(), plans.diagnostics.size());
  // A cache that cannot be read or written (no state folder yet, a `check` by a user who
  // may not write it) only costs time: worth a debugging line, never a warning.
  if (!plans_.parse_cache_problem().empty()) {
    spdlog::debug("plan parse cache: {}", plans_.parse_cache_problem());
  }
  result.diagnostics = std::move(plans.diagnostics);

  // Templates are checked even when a plan has problems, so that one run reports everything;
  // without a readable config there is no way to know which folder to check.
  std::string folder;
  bool web = false;
  std::string classification;
  if (plans.snapshot) {
    folder = plans.snapshot->config.templates;
    web = plans.snapshot->config.web.has_value();
    classification = plans.snapshot->config.classification;
  } else {
    plan::Diagnostics ignored;
    auto config = plan::load_config(config_file, ignored);
    if (!config) {
      return result;
    }
    folder = config->templates;
    web = config->web.has_value();
    classification = config->classification;
  }
  if (folder.empty()) {
    folder = mail::Templates::default_folder();
  }
  plan::Diagnostics template_problems;
  auto templates = mail::Templates::load(folder, template_problems);
  std::optional<pages::WebTemplates> web_templates;
  if (web) {
    web_templates = pages::load_web_templates(folder, template_problems, classification);
  }
  result.diagnostics.append(template_problems);
  result.diagnostics.sort();
  spdlog::debug("templates from {}: {} problem(s); loading took {} ms", folder,
                template_problems.size(),
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  if (plans.snapshot && templates && template_problems.empty()) {
    result.deployment = Deployment{
        plans.snapshot, std::make_shared<const mail::Templates>(std::move(*templates)), folder,
        web_templates ? std::make_shared<const pages::WebTemplates>(std::move(*web_templates))
                      : nullptr};
  }
  return result;
}

}  // namespace plan_reminder::service
