// A deployment as the commands and the daemon use it: the validated snapshot (config,
// directory, plans), the email templates and (with a `web:` section) the web pages' templates,
// loaded together so that `check`, `run` and a reload accept or refuse exactly the same files.
#pragma once

#include "mail/templates.h"
#include "pages/web_templates.h"
#include "plan/snapshot.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::service {

struct Deployment {
  std::shared_ptr<const plan::Snapshot> snapshot;
  std::shared_ptr<const mail::Templates> templates;
  std::string templates_folder;
  // The web pages (templates/web/): loaded only when the config has a `web:` section.
  std::shared_ptr<const pages::WebTemplates> web_templates;
};

struct DeploymentLoad {
  std::optional<Deployment> deployment;  // set only when every file is valid
  plan::Diagnostics diagnostics;
};

// The folders whose files make up a deployment, for the file watch: the config's, the
// directory's, each plan source's (the folder, or the folder part of a glob), the templates'
// (with their partials and web pages) and the holiday file's.
std::vector<std::string> watched_folders(const plan::Config& config,
                                         const std::string& templates_folder);

class DeploymentLoader {
 public:
  // The first load reads the plans' parse cache beside the state, and writes it.
  DeploymentLoader() { plans_.use_parse_cache(); }

  DeploymentLoad load(const std::string& config_file);

 private:
  plan::SnapshotLoader plans_;
};

}  // namespace plan_reminder::service
