// What the page tests share: the shipped web templates, the example deployment (config/), and
// small snapshots made by hand, each milestone due a given number of days from kToday.
#pragma once

#include "pages/web_templates.h"
#include "plan/snapshot.h"

#include <date/date.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace plan_reminder::pages::test {

using namespace date::literals;

inline const std::string kShippedTemplates = std::string(PR_SOURCE_DIR) + "/templates";
inline constexpr date::year_month_day kToday = 2024_y / 6 / 3;  // a Monday
inline const std::string kBoardLink = "https://dhr.example.org/board?t=SIGNED";

inline std::string messages_of(const plan::Diagnostics& diagnostics) {
  std::string all;
  for (const plan::Diagnostic& d : diagnostics.items()) {
    all += d.to_string() + "\n";
  }
  return all;
}

inline const WebTemplates& shipped_templates() {
  static const WebTemplates templates = [] {
    plan::Diagnostics diagnostics;
    std::optional<WebTemplates> loaded = load_web_templates(kShippedTemplates, diagnostics);
    if (!loaded) {
      throw std::runtime_error("shipped web templates do not load:\n" + messages_of(diagnostics));
    }
    return std::move(*loaded);
  }();
  return templates;
}

// The example deployment of config/ (the plan of the review 'David').
inline std::shared_ptr<const plan::Snapshot> example_snapshot() {
  plan::SnapshotLoader loader(1);
  plan::LoadResult result = loader.load(std::string(PR_SOURCE_DIR) + "/config/plan-reminder.yaml");
  if (!result.snapshot) {
    throw std::runtime_error("the example deployment does not load:\n" +
                             messages_of(result.diagnostics));
  }
  return result.snapshot;
}

// A milestone due `days` after kToday (before it when negative); `done` marks it complete.
inline plan::Milestone milestone_in(int days, std::string text, bool done = false) {
  plan::Milestone milestone;
  milestone.text = std::move(text);
  const date::year_month_day due{date::sys_days(kToday) + date::days(days)};
  milestone.target = plan::Target{date::format("%d %B %Y", due), due};
  if (done) {
    milestone.done = kToday;
  }
  return milestone;
}

inline plan::Milestone undated_milestone(std::string text) {
  plan::Milestone milestone;
  milestone.text = std::move(text);
  milestone.target = plan::Target{"To be agreed", plan::Undated{}};
  return milestone;
}

inline plan::Action action_of(std::string id, std::vector<std::string> leads,
                              std::vector<std::string> support,
                              std::vector<plan::Milestone> milestones) {
  plan::Action action;
  action.id = std::move(id);
  action.text = "Action " + action.id;
  for (auto& lead : leads) {
    action.lead.push_back(plan::AgencyRef{lead, 1, 1});
  }
  for (auto& agency : support) {
    action.support.push_back(plan::AgencyRef{agency, 1, 1});
  }
  for (std::size_t i = 0; i < milestones.size(); ++i) {
    milestones[i].id = std::to_string(i + 1);
  }
  action.milestones = std::move(milestones);
  return action;
}

inline plan::Recommendation recommendation_of(std::string id, std::string text,
                                              std::vector<plan::Action> actions) {
  plan::Recommendation recommendation;
  recommendation.id = std::move(id);
  recommendation.text = std::move(text);
  recommendation.actions = std::move(actions);
  return recommendation;
}

inline std::shared_ptr<const plan::Plan> plan_of(std::string id, std::string title,
                                                 std::vector<plan::Recommendation> recs) {
  auto plan = std::make_shared<plan::Plan>();
  plan->file = id + ".yaml";
  plan->review.id = std::move(id);
  plan->review.title = std::move(title);
  plan->recommendations = std::move(recs);
  return plan;
}

// A directory of three agencies: police, council and health.
inline plan::Directory small_directory() {
  plan::Directory directory;
  directory.partnership = "Example Partnership";
  for (const auto& [id, name] :
       std::vector<std::pair<std::string, std::string>>{{"police", "Example Police"},
                                                        {"council", "Example Council"},
                                                        {"health", "NHS Example"}}) {
    plan::Agency agency;
    agency.id = id;
    agency.mailbox.name = name;
    agency.mailbox.to = {id + "@example.org"};
    directory.agencies.emplace(id, agency);
  }
  return directory;
}

inline plan::Snapshot snapshot_of(std::vector<std::shared_ptr<const plan::Plan>> plans) {
  plan::Snapshot snapshot;
  snapshot.directory = small_directory();
  snapshot.plans = std::move(plans);
  return snapshot;
}

// With PR_KEEP_PAGES=folder in the environment, writes a rendered page to folder/NAME.html for
// a look in a browser (and the stylesheet beside it); the tests never read it back.
inline void keep_for_viewing(const std::string& name, const std::string& html) {
  const char* folder = std::getenv("PR_KEEP_PAGES");
  if (folder == nullptr || *folder == '\0') {
    return;
  }
  const std::filesystem::path root(folder);
  std::error_code ignored;
  std::filesystem::create_directories(root / "assets", ignored);
  // The page links the stylesheet as the server serves it; the copy beside it is relative.
  std::string page = html;
  const std::string served = "href=\"/assets/style.css\"";
  if (const std::size_t at = page.find(served); at != std::string::npos) {
    page.replace(at, served.size(), "href=\"assets/style.css\"");
  }
  std::ofstream(root / (name + ".html")) << page;
  std::ofstream(root / "assets" / "style.css") << shipped_templates().stylesheet();
}

}  // namespace plan_reminder::pages::test
