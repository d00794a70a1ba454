#include "service/deployment.h"

#include "plan/loaders.h"

namespace plan_reminder::service {

DeploymentLoad DeploymentLoader::load(const std::string& config_file) {
  DeploymentLoad result;
  plan::LoadResult plans = plans_.load(config_file);
  result.diagnostics = std::move(plans.diagnostics);

  // Templates are checked even when a plan has problems, so that one run reports everything;
  // without a readable config there is no way to know which folder to check.
  std::string folder;
  if (plans.snapshot) {
    folder = plans.snapshot->config.templates;
  } else {
    plan::Diagnostics ignored;
    auto config = plan::load_config(config_file, ignored);
    if (!config) {
      return result;
    }
    folder = config->templates;
  }
  if (folder.empty()) {
    folder = mail::Templates::default_folder();
  }
  plan::Diagnostics template_problems;
  auto templates = mail::Templates::load(folder, template_problems);
  result.diagnostics.append(template_problems);
  result.diagnostics.sort();
  if (plans.snapshot && templates && template_problems.empty()) {
    result.deployment = Deployment{plans.snapshot,
                                   std::make_shared<const mail::Templates>(std::move(*templates))};
  }
  return result;
}

}  // namespace plan_reminder::service
