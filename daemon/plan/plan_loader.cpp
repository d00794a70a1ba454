// Reads one plan file (SPEC §3) into a Plan, reporting every problem.
#include "plan/loader_common.h"
#include "plan/loaders.h"

#include <map>
#include <set>

namespace plan_reminder::plan {
namespace {

// Where an id was first given, for "duplicate ... (first given at line N)".
using FirstSeen = std::map<std::string, int, std::less<>>;

bool claim_id(FileContext& context, FirstSeen& seen, const Entry& entry, const std::string& id,
              std::string_view what) {
  auto [found, inserted] = seen.emplace(id, entry.mark().line);
  if (!inserted) {
    context.error(entry.mark(), entry.path,
                  "duplicate " + std::string(what) + " id " + quote_value(id) +
                      " (first given at line " + std::to_string(found->second) + ")");
  }
  return inserted;
}

std::optional<Target> read_target_entry(FileContext& context, const Entry& entry,
                                        QuarterStyle quarters) {
  auto wording = read_text(context, entry, Lines::one, /*allow_empty=*/true);
  if (!wording) {
    return std::nullopt;
  }
  base::Result<TargetMeaning> meaning = read_target(*wording, quarters);
  if (!meaning) {
    context.error(entry.mark(), entry.path, meaning.error().message);
    return std::nullopt;
  }
  return Target{*wording, *meaning};
}

std::vector<AgencyRef> read_agency_refs(FileContext& context, const Entry& entry,
                                        bool at_least_one) {
  std::vector<AgencyRef> refs;
  if (!entry) {
    return refs;
  }
  std::vector<Entry> items;
  if (entry.value->is_scalar()) {
    items.push_back(entry);  // `lead: wwin` means a list of one
  } else {
    items = list_items(context, entry);
    if (!entry.value->is_sequence() && !entry.value->is_null()) {
      return refs;
    }
  }
  std::set<std::string, std::less<>> seen;
  for (const Entry& item : items) {
    if (auto id = read_slug(context, item)) {
      if (!seen.insert(*id).second) {
        context.error(item.mark(), item.path, "agency " + quote_value(*id) + " is listed twice");
        continue;
      }
      refs.push_back(AgencyRef{*id, item.mark().line, item.mark().column});
    }
  }
  if (at_least_one && items.empty()) {
    context.error(entry.mark(), entry.path, "expected at least one agency id from the directory");
  }
  return refs;
}

// `status: not_implemented` and its `reason:` (SPEC §9), on a milestone or beside an action's
// single `target`: the milestone is closed, with the reason. `status` was read by the caller.
void read_not_implemented(FileContext& context, const MappingReader& map, const Entry& status,
                          bool not_implemented, Milestone& milestone) {
  Entry reason = map.get("reason");
  if (not_implemented) {
    if (!reason) {
      context.error(status.mark(), status.path,
                    "'status: not_implemented' needs 'reason' beside it (why the milestone will "
                    "not be implemented)");
    } else if (auto text = read_text(context, reason, Lines::many)) {
      milestone.not_implemented = *text;
    }
  } else if (reason) {
    context.error(reason.key->mark, reason.path,
                  "'reason' goes only with 'status: not_implemented'");
  }
}

Milestone read_milestone(FileContext& context, const Entry& entry, std::size_t position,
                         FirstSeen& ids, QuarterStyle quarters) {
  Milestone milestone;
  milestone.id = std::to_string(position + 1);
  MappingReader map(
      context, entry,
      {"id", "text", "target", "revised_target", "done", "progress", "status", "reason"});
  if (!map.valid()) {
    return milestone;
  }
  if (Entry id = map.get("id")) {
    if (auto value = read_identifier(context, id)) {
      milestone.id = *value;
    }
    claim_id(context, ids, id, milestone.id, "milestone");
  } else {
    claim_id(context, ids, map.self(), milestone.id, "milestone");
  }
  milestone.text =
      read_text(context, map.require("text", "what will have happened"), Lines::one).value_or("");
  if (auto target =
          read_target_entry(context, map.require("target", "a target date, or TBC"), quarters)) {
    milestone.target = std::move(*target);
  }
  if (Entry revised = map.get("revised_target")) {
    milestone.revised_target = read_target_entry(context, revised, quarters);
  }
  if (Entry done = map.get("done")) {
    milestone.done = read_date(context, done);
  }
  milestone.progress = read_text(context, map.get("progress"), Lines::many, true).value_or("");
  Entry status = map.get("status");
  auto state = read_choice(context, status, {"open", "not_implemented"});
  read_not_implemented(context, map, status, state == "not_implemented", milestone);
  return milestone;
}

// One implicit milestone: the action itself, due by `target:` beside the action's text.
// `not_implemented`: the action's `status` says so.
Milestone read_only_milestone(FileContext& context, const MappingReader& map, const Entry& target,
                              bool not_implemented, QuarterStyle quarters) {
  Milestone only;
  only.id = "1";
  if (auto value = read_target_entry(context, target, quarters)) {
    only.target = std::move(*value);
  }
  if (Entry revised = map.get("revised_target")) {
    only.revised_target = read_target_entry(context, revised, quarters);
  }
  if (Entry done = map.get("done")) {
    only.done = read_date(context, done);
  }
  read_not_implemented(context, map, map.get("status"), not_implemented, only);
  return only;
}

// An action's milestones: a `milestones:` list, or one `target:` (with its revised_target and
// done) standing for a single milestone.
void read_action_milestones(FileContext& context, const MappingReader& map, QuarterStyle quarters,
                            bool not_implemented, Action& action) {
  Entry milestones = map.get("milestones");
  Entry target = map.get("target");
  if (milestones && target) {
    context.error(target.mark(), target.path,
                  "give either 'target' (one milestone) or 'milestones', not both");
  } else if (target) {
    action.milestones.push_back(
        read_only_milestone(context, map, target, not_implemented, quarters));
  } else if (milestones) {
    FirstSeen milestone_ids;
    auto items = list_items(context, milestones);
    for (std::size_t i = 0; i < items.size(); ++i) {
      action.milestones.push_back(read_milestone(context, items[i], i, milestone_ids, quarters));
    }
    if (items.empty() && milestones.value->is_sequence()) {
      context.error(milestones.mark(), milestones.path, "expected at least one milestone");
    }
  } else {
    context.error(map.self().mark(), map.self().path,
                  "missing required key 'milestones' (or 'target' for a single milestone)");
  }
  if (!target) {
    if (not_implemented) {
      Entry status = map.get("status");
      context.error(status.mark(), status.path,
                    "'status: not_implemented' is allowed on an action only beside 'target' (a "
                    "single milestone); give it to each milestone instead");
    }
    for (std::string_view key : {"revised_target", "done", "reason"}) {
      if (Entry misplaced = map.get(key)) {
        context.error(misplaced.key->mark, misplaced.path,
                      quote_value(std::string(key)) +
                          " belongs to a milestone; it is allowed here only beside 'target'");
      }
    }
  }
}

Action read_action(FileContext& context, const Entry& entry, FirstSeen& action_ids,
                   QuarterStyle quarters) {
  Action action;
  MappingReader map(context, entry,
                    {"id", "text", "lead", "support", "outcome", "progress", "status", "milestones",
                     "target", "revised_target", "done", "reason"});
  if (!map.valid()) {
    return action;
  }
  Entry id = map.require("id", "the action's number, like \"1.1\"");
  if (auto value = read_identifier(context, id)) {
    action.id = *value;
    claim_id(context, action_ids, id, action.id, "action");
  }
  action.text =
      read_text(context, map.require("text", "what will be done"), Lines::many).value_or("");
  action.lead = read_agency_refs(context, map.require("lead", "the lead agency ids"), true);
  action.support = read_agency_refs(context, map.get("support"), false);
  action.outcome = read_text(context, map.get("outcome"), Lines::many, true).value_or("");
  action.progress = read_text(context, map.get("progress"), Lines::many, true).value_or("");
  // `not_implemented` closes the action's single milestone (its `target`); the action stays open.
  auto status =
      read_choice(context, map.get("status"), {"open", "complete", "on_hold", "not_implemented"});
  if (status) {
    action.status = *status == "complete"  ? ActionStatus::complete
                    : *status == "on_hold" ? ActionStatus::on_hold
                                           : ActionStatus::open;
  }

  read_action_milestones(context, map, quarters, status == "not_implemented", action);
  return action;
}

Recommendation read_recommendation(FileContext& context, const Entry& entry,
                                   FirstSeen& recommendation_ids, FirstSeen& action_ids,
                                   QuarterStyle quarters) {
  Recommendation recommendation;
  MappingReader map(context, entry, {"id", "scope", "text", "actions"});
  if (!map.valid()) {
    return recommendation;
  }
  Entry id = map.require("id", "the recommendation's number, like \"1\"");
  if (auto value = read_identifier(context, id)) {
    recommendation.id = *value;
    claim_id(context, recommendation_ids, id, recommendation.id, "recommendation");
  }
  if (auto scope = read_choice(context, map.require("scope", "local, regional or national"),
                               {"local", "regional", "national"})) {
    recommendation.scope = *scope == "national"   ? Scope::national
                           : *scope == "regional" ? Scope::regional
                                                  : Scope::local;
  }
  recommendation.text =
      read_text(context, map.require("text", "the recommendation as written"), Lines::many)
          .value_or("");
  Entry actions = map.require("actions", "a list of actions");
  auto items = list_items(context, actions);
  for (const Entry& item : items) {
    recommendation.actions.push_back(read_action(context, item, action_ids, quarters));
  }
  if (actions && items.empty() && !actions.value->is_scalar() && !actions.value->is_mapping()) {
    context.error(actions.mark(), actions.path, "expected at least one action");
  }
  return recommendation;
}

// `review.type:` one of the ids of kReviewTypeTable; absent: a Domestic Homicide Review.
void read_review_type(FileContext& context, const Entry& entry, Review& review) {
  if (!entry) {
    return;
  }
  std::vector<std::string_view> ids;
  ids.reserve(kReviewTypeTable.size());
  for (const ReviewTypeFacts& row : kReviewTypeTable) {
    ids.push_back(row.id);
  }
  if (auto id = read_choice(context, entry, ids)) {
    review.type = review_type_from_id(*id).value_or(ReviewType::dhr);
  }
}

}  // namespace

std::optional<Plan> parse_plan(std::string_view text, const std::string& file,
                               QuarterStyle quarters, Diagnostics& out) {
  FileContext context(file, FileKind::plan, out);
  auto root = parse_document(context, text);
  if (!root) {
    return std::nullopt;
  }
  Plan plan;
  plan.file = file;
  MappingReader top(context, Entry{nullptr, &*root, ""}, {"review", "recommendations"});

  MappingReader review(context, top.require("review", "the review's id and title"),
                       {"id", "title", "partnership", "published", "type"});
  Entry id = review.require("id", "a unique lowercase id like \"dhr-david\"");
  if (auto value = read_slug(context, id)) {
    plan.review.id = *value;
    plan.review.id_line = id.mark().line;
    plan.review.id_column = id.mark().column;
  }
  plan.review.title =
      read_text(context, review.require("title", "the review's title"), Lines::one).value_or("");
  plan.review.partnership = read_text(context, review.get("partnership"), Lines::one).value_or("");
  if (Entry published = review.get("published")) {
    if (!published.value->is_null()) {
      plan.review.published = read_date(context, published);
    }
  }

  read_review_type(context, review.get("type"), plan.review);

  Entry recommendations = top.require("recommendations", "a list of recommendations");
  FirstSeen recommendation_ids;
  FirstSeen action_ids;
  auto items = list_items(context, recommendations);
  for (const Entry& item : items) {
    plan.recommendations.push_back(
        read_recommendation(context, item, recommendation_ids, action_ids, quarters));
  }
  if (recommendations && items.empty() &&
      (recommendations.value->is_sequence() || recommendations.value->is_null())) {
    context.error(recommendations.mark(), recommendations.path,
                  "expected at least one recommendation");
  }
  return plan;
}

void check_agency_references(const Plan& plan, const Directory& directory, Diagnostics& out) {
  FileContext context(plan.file, FileKind::plan, out);
  auto report = [&](const AgencyRef& ref, std::size_t r, std::size_t a, std::string_view key,
                    std::size_t i) {
    std::string message = "unknown agency " + quote_value(ref.id);
    for (const auto& [known, agency] : directory.agencies) {
      if (known.find(ref.id) != std::string::npos || ref.id.find(known) != std::string::npos) {
        message += " (did you mean " + quote_value(known) + "?)";
        break;
      }
    }
    message += "; agencies are defined in " + directory.file;
    std::string path = item_path(item_path("recommendations", r) + ".actions", a);
    context.error(yaml::Mark{ref.line, ref.column}, item_path(path + "." + std::string(key), i),
                  std::move(message));
  };
  for (std::size_t r = 0; r < plan.recommendations.size(); ++r) {
    const auto& actions = plan.recommendations[r].actions;
    for (std::size_t a = 0; a < actions.size(); ++a) {
      for (std::size_t i = 0; i < actions[a].lead.size(); ++i) {
        if (directory.find(actions[a].lead[i].id) == nullptr) {
          report(actions[a].lead[i], r, a, "lead", i);
        }
      }
      for (std::size_t i = 0; i < actions[a].support.size(); ++i) {
        if (directory.find(actions[a].support[i].id) == nullptr) {
          report(actions[a].support[i], r, a, "support", i);
        }
      }
    }
  }
}

}  // namespace plan_reminder::plan
