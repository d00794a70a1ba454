// What the template tests share: the shipped templates (and a copy to edit), the milestones,
// notices and digests they render, and small helpers to read the results. Times are literal.
#pragma once

#include "mail/templates.h"
#include "support/temp_dir.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace plan_reminder::mail::test_fixtures {

namespace fs = std::filesystem;
using namespace date::literals;

// 09:00 on 3 February 2020, local time: when the audit rows below were recorded.
const date::local_seconds kMonday9am = date::local_days{2020_y / 2 / 3} + std::chrono::hours(9);

const std::string kShipped = std::string(PR_SOURCE_DIR) + "/templates";

// A copy of the shipped templates in a fresh temporary folder, removed afterwards.
class TemplateCopy {
 public:
  TemplateCopy() {
    fs::copy(kShipped, dir_.path(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }

  const fs::path& folder() const { return dir_.path(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.path() / name, std::ios::binary | std::ios::trunc) << text;
  }

 private:
  test_support::TempDir dir_{"pr-templates"};
};

inline Templates load_shipped() {
  plan::Diagnostics diagnostics;
  std::optional<Templates> templates = Templates::load(kShipped, diagnostics);
  if (!templates) {
    std::string all;
    for (const plan::Diagnostic& d : diagnostics.items()) {
      all += d.to_string() + "\n";
    }
    throw std::runtime_error("shipped templates do not load:\n" + all);
  }
  return *templates;
}

inline MilestoneView scoping_milestone() {
  MilestoneView m;
  m.stage = EmailKind::reminder;
  m.when = "due in 14 days";
  m.review_id = "dhr-david";
  m.review_title = "Domestic Homicide Review: 'David'";
  m.recommendation_id = "1";
  m.action_id = "1.1";
  m.action_text = "Conduct research to identify the cohort of repeat MARAC cases";
  m.milestone_id = "scoping";
  m.milestone_text = "Research scoping document produced";
  m.lead = "Wearside Women in Need";
  m.target = "March 2020";
  m.due_day = 2020_y / 3 / 31;
  m.days = 14;
  m.progress = "Research proposal was produced.";
  m.rag = Rag::amber;
  return m;
}

inline MilestoneView training_milestone() {
  MilestoneView m = scoping_milestone();
  m.action_id = "2.3";
  m.milestone_id = "1";
  m.action_text = "Deliver training on trauma-informed practice";
  m.milestone_text = "Training delivered to early help staff";
  m.lead = "Together for Children, Women's Aid";
  m.target = "By Sept 2019";
  m.due_day = 2019_y / 9 / 30;
  m.progress = "";
  return m;
}

// `stage` as the kind's token ("overdue"); "" for a digest's item.
inline MilestoneView with_stage(MilestoneView m, const std::string& stage, int days) {
  m.stage = store::email_kind_from_token(stage);
  m.days = days;
  m.when = days > 0    ? "due in " + std::to_string(days) + " days"
           : days == 0 ? "due today"
                       : std::to_string(-days) + " days overdue";
  m.rag = days > 14 ? Rag::green : days >= 0 ? Rag::amber : Rag::red;
  return m;
}

inline NoticeEmailView notice(EmailKind kind, std::vector<MilestoneView> items) {
  NoticeEmailView view;
  view.kind = kind;
  view.partnership = "Safer Sunderland Partnership";
  view.recipient_name = "Wearside Women in Need";
  view.coordinator_name = "DHR coordinator";
  view.coordinator_address = "dhr-coordinator@council.example.org";
  view.today = 2020_y / 3 / 17;
  view.items = std::move(items);
  return view;
}

inline DigestView empty_digest() {
  DigestView view;
  view.partnership = "Safer Sunderland Partnership";
  view.today = 2020_y / 2 / 5;
  view.horizon_days = 28;
  return view;
}

inline DigestView full_digest() {
  DigestView view = empty_digest();
  MilestoneView overdue = with_stage(scoping_milestone(), "", -9);
  overdue.escalated = false;
  MilestoneView escalated = with_stage(training_milestone(), "", -128);
  escalated.escalated = true;
  view.overdue = {escalated, overdue};
  view.due_soon = {with_stage(scoping_milestone(), "", 20)};
  MilestoneView undated = training_milestone();
  undated.action_id = "6.1";
  undated.milestone_text = "Learning shared with the partnership";
  undated.target = "Within one month of the review being published";
  undated.due_day = std::nullopt;
  undated.when = "";
  undated.rag = Rag::amber;
  view.undated = {undated};
  view.recommendations = {{"dhr-david recommendation 1", Rag::red, 1, 0, 0, 2, 3},
                          {"dhr-david recommendation 6", Rag::green, 0, 0, 0, 4, 4}};
  view.agencies = {{"Wearside Women in Need", Rag::amber, 0, 1, 0, 1, 2}};
  view.audit = {{kMonday9am, EmailKind::overdue, "Wearside Women in Need", "dhr-david 1.1 scoping",
                 DeliveryState::sent, ""},
                {kMonday9am, EmailKind::escalation, "Chair of the Safer Sunderland Partnership",
                 "dhr-david 2.3 1", DeliveryState::failed, "550 mailbox unavailable"}};
  view.failures = {view.audit[1]};
  view.total = 26;
  return view;
}

inline int occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

inline std::string messages_of(const plan::Diagnostics& diagnostics) {
  std::string all;
  for (const plan::Diagnostic& d : diagnostics.items()) {
    all += d.to_string() + "\n";
  }
  return all;
}

}  // namespace plan_reminder::mail::test_fixtures
