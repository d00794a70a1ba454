// Views as Mustache data (see template_data.h).
#include "mail/template_data.h"

#include "mail/notice_kinds.h"
#include "mail/template_text.h"

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace plan_reminder::mail {
namespace {

// `name` and `has_name`: the text, and whether there is any, for a template's {{#has_name}}.
void set_text(mustache::data& out, const std::string& name, const std::string& text) {
  out.set(name, text);
  out.set("has_" + name, !text.empty());
}

// `name` and `has_name` for a local time, written as "Mon 3 Feb 2020 09:00".
void set_time(mustache::data& out, const std::string& name,
              const std::optional<date::local_seconds>& time) {
  set_text(out, name, time ? short_time(*time) : std::string());
}

struct RagStyle {
  const char* word;
  const char* background;
  const char* foreground;
};

// Colours with at least 4.5:1 contrast against their text; the word is always shown too.
RagStyle rag_style(std::optional<Rag> rag) {
  if (!rag) {
    return {"", "#6b7280", "#ffffff"};
  }
  switch (*rag) {
    case Rag::red:
      return {"Red", "#b71c1c", "#ffffff"};
    case Rag::amber:
      return {"Amber", "#ffc107", "#1a1a1a"};
    case Rag::green:
      return {"Green", "#2e7d32", "#ffffff"};
  }
  return {"", "#6b7280", "#ffffff"};
}

void set_rag(mustache::data& out, std::optional<Rag> rag) {
  const RagStyle style = rag_style(rag);
  out.set("rag", rag ? std::string(to_string(*rag)) : std::string());
  out.set("has_rag", std::string(style.word).size() > 0);
  out.set("rag_word", style.word);
  out.set("rag_background", style.background);
  out.set("rag_foreground", style.foreground);
  out.set("rag_red", rag == Rag::red);
  out.set("rag_amber", rag == Rag::amber);
  out.set("rag_green", rag == Rag::green);
}

// A multi-line value as a list of {line, last}, so that the HTML part can break lines with
// <br> while every line stays escaped.
mustache::data lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty()) {
    lines.pop_back();
  }
  std::vector<mustache::data> list(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    list[i].set("line", lines[i]);
    list[i].set("last", i + 1 == lines.size());
  }
  return list_of(std::move(list));
}

// The day a view's `days` were counted from.
std::optional<date::year_month_day> as_of(const MilestoneView& milestone) {
  if (!milestone.due_day) {
    return std::nullopt;
  }
  return date::year_month_day{date::sys_days(*milestone.due_day) - date::days(milestone.days)};
}

// "due in 14 days", "due on Sunday 31 May 2020", "7 days overdue": a dated view is worded from
// its dates (SPEC §4), whatever the stage of its notice; an undated one keeps its `when`.
std::string when_from_days(const MilestoneView& milestone, DueWording wording) {
  if (!milestone.when.empty() || !milestone.due_day) {
    return milestone.when;
  }
  return when_due(*milestone.due_day, *as_of(milestone), wording);
}

}  // namespace

mustache::data milestone_data(const MilestoneView& milestone) {
  mustache::data out;
  const std::string when = when_from_days(milestone, DueWording::brief);
  // The stage of a notice as a label (notice_kinds.h); what it says about the date is in `when`.
  out.set("stage", milestone.stage ? to_string(*milestone.stage) : "");
  out.set("stage_word", std::string(milestone.stage ? facts(*milestone.stage).label : ""));
  set_text(out, "when", when);
  out.set("when_title", capitalised(when));
  out.set("when_dated", when_from_days(milestone, DueWording::with_date));
  out.set("review_id", milestone.review_id);
  set_text(out, "review_title", milestone.review_title);
  out.set("review_type_name", std::string(plan::facts(milestone.review_type).full_name));
  set_text(out, "recommendation_id", milestone.recommendation_id);
  out.set("action_id", milestone.action_id);
  set_text(out, "action_text", milestone.action_text);
  set_moved(out, "action_text_lines", lines_of(milestone.action_text));
  out.set("milestone_id", milestone.milestone_id);
  out.set("milestone_text", milestone.milestone_text);
  set_text(out, "lead", milestone.lead);
  set_text(out, "target", milestone.target);
  set_text(out, "due_date", milestone.due_day ? plain_day(*milestone.due_day) : std::string());
  out.set("days", std::to_string(milestone.days));
  out.set("days_overdue", std::to_string(milestone.days < 0 ? -milestone.days : 0));
  out.set("days_left", std::to_string(milestone.days > 0 ? milestone.days : 0));
  out.set("is_overdue", milestone.due_day.has_value() && milestone.days < 0);
  set_text(out, "progress", milestone.progress);
  set_moved(out, "progress_lines", lines_of(milestone.progress));
  out.set("escalated", milestone.escalated);
  set_rag(out, milestone.rag);
  return out;
}

namespace {

// `name_more` and `name_more_text` ("12 more milestones") for what a list of `count` leaves
// out beyond kMaxListed; false when it lists everything.
void set_more(mustache::data& out, const std::string& name, std::size_t count,
              const std::string& one, const std::string& many) {
  if (count <= kMaxListed) {
    out.set(name + "_more", false);
    out.set(name + "_more_text", "");
    return;
  }
  const int more = static_cast<int>(count - kMaxListed);
  out.set(name + "_more", std::to_string(more));
  out.set(name + "_more_text", plural(more, "more " + one, "more " + many));
}

// `name` as a list (at most kMaxListed) plus `has_name`, `name_count` and `name_count_text`
// ("1 milestone", counting all) and `name_more` / `name_more_text` for those not listed.
// `all`: how many there are, when `milestones` holds only the first of them.
void set_milestones(mustache::data& out, const std::string& name,
                    const std::vector<MilestoneView>& milestones, std::size_t all = 0) {
  all = std::max(all, milestones.size());
  const int count = static_cast<int>(all);
  std::vector<mustache::data> list;
  list.reserve(std::min(milestones.size(), kMaxListed));
  for (std::size_t i = 0; i < milestones.size() && i < kMaxListed; ++i) {
    list.push_back(milestone_data(milestones[i]));
  }
  set_moved(out, name, list_of(std::move(list)));
  out.set("has_" + name, count > 0);
  out.set(name + "_count", std::to_string(count));
  out.set(name + "_count_text", plural(count, "milestone", "milestones"));
  set_more(out, name, all, "milestone", "milestones");
}

}  // namespace

mustache::data rag_row_data(const RagRow& row) {
  mustache::data out;
  out.set("name", row.name);
  set_rag(out, row.rag);
  out.set("overdue", std::to_string(row.overdue));
  out.set("due_soon", std::to_string(row.due_soon));
  out.set("undated", std::to_string(row.undated));
  out.set("complete", std::to_string(row.complete));
  out.set("total", std::to_string(row.total));
  out.set("total_text", plural(row.total, "milestone", "milestones"));
  return out;
}

mustache::data audit_row_data(const AuditRow& row) {
  mustache::data entry;
  entry.set("when", short_time(row.when));
  entry.set("kind", to_string(row.kind));
  entry.set("recipient", row.recipient);
  entry.set("about", row.about);
  const std::string state(store::token(row.state));
  entry.set("state", state);
  entry.set("state_word", capitalised(state));  // "Sent", "Queued", "Failed", "Dropped"
  entry.set("failed", row.state == DeliveryState::failed);
  set_text(entry, "detail", row.detail);
  return entry;
}

namespace {

void set_rag_rows(mustache::data& out, const std::string& name, const std::vector<RagRow>& rows,
                  const std::string& one, const std::string& many) {
  std::vector<mustache::data> list;
  list.reserve(std::min(rows.size(), kMaxListed));
  for (std::size_t i = 0; i < rows.size() && i < kMaxListed; ++i) {
    list.push_back(rag_row_data(rows[i]));
  }
  set_moved(out, name, list_of(std::move(list)));
  out.set("has_" + name, !rows.empty());
  set_more(out, name, rows.size(), one, many);
}

void set_audit_rows(mustache::data& out, const std::string& name,
                    const std::vector<AuditRow>& rows) {
  std::vector<mustache::data> list;
  list.reserve(std::min(rows.size(), kMaxListed));
  for (std::size_t i = 0; i < rows.size() && i < kMaxListed; ++i) {
    list.push_back(audit_row_data(rows[i]));
  }
  const int count = static_cast<int>(rows.size());
  set_moved(out, name, list_of(std::move(list)));
  out.set("has_" + name, count > 0);
  out.set(name + "_count", std::to_string(count));
  set_more(out, name, rows.size(), "entry", "entries");
}

// Where a dated item stands, from its dates: overdue, due today or due later.
enum class Standing { overdue, today, soon };

Standing standing_of(const MilestoneView& item) {
  if (item.days < 0) {
    return Standing::overdue;
  }
  return item.days == 0 ? Standing::today : Standing::soon;
}

// Where a group of notices stands, most urgent first, from their dates: "1 overdue, 2 due
// today and 1 due soon".
std::string stage_summary(const std::vector<MilestoneView>& items) {
  int overdue = 0;
  int due = 0;
  int soon = 0;
  for (const MilestoneView& item : items) {
    switch (standing_of(item)) {
      case Standing::overdue:
        ++overdue;
        break;
      case Standing::today:
        ++due;
        break;
      case Standing::soon:
        ++soon;
        break;
    }
  }
  std::vector<std::string> parts;
  if (overdue > 0) {
    parts.push_back(std::to_string(overdue) + " overdue");
  }
  if (due > 0) {
    parts.push_back(std::to_string(due) + " due today");
  }
  if (soon > 0) {
    parts.push_back(std::to_string(soon) + " due soon");
  }
  return joined(parts);
}

// When a group of items not yet overdue is due: as each of them says when they agree (one due
// date), otherwise "due by" the last of their due dates.
std::string group_when(const std::vector<MilestoneView>& items, DueWording wording) {
  std::optional<std::string> shared;
  bool agree = true;
  const MilestoneView* last = nullptr;
  for (const MilestoneView& item : items) {
    const std::string when = when_from_days(item, wording);
    if (!shared) {
      shared = when;
    } else if (*shared != when) {
      agree = false;
    }
    if (item.due_day && (last == nullptr || *item.due_day > *last->due_day)) {
      last = &item;
    }
  }
  if (!shared) {
    return "";
  }
  if (agree || last == nullptr) {
    return *shared;
  }
  return "due by " + long_day(*last->due_day);
}

// The Monday of the week of `today`, as "3 February 2020".
std::string week_commencing(date::year_month_day today) {
  const date::sys_days day{today};
  return plain_day(date::year_month_day{day - (date::weekday{day} - date::Monday)});
}

// What every email's data starts with: its kind and the partnership's name.
mustache::data email_data(EmailKind kind, const std::string& partnership) {
  mustache::data out;
  out.set("kind", to_string(kind));
  set_text(out, "partnership", partnership);
  return out;
}

// A list of lines, each as {{key}} in its section.
mustache::data text_list(const std::vector<std::string>& lines, const std::string& key) {
  std::vector<mustache::data> list(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    list[i].set(key, lines[i]);
  }
  return list_of(std::move(list));
}

// The full names of the kinds of review the items belong to, in the order met, for "a milestone
// in a Safeguarding Adults Review action plan": "Domestic Homicide Review", or "Domestic
// Homicide Review and Safeguarding Adults Review" when an email spans both.
std::string review_types_text(const std::vector<MilestoneView>& items) {
  std::vector<plan::ReviewType> types;
  for (const MilestoneView& item : items) {
    if (std::find(types.begin(), types.end(), item.review_type) == types.end()) {
      types.push_back(item.review_type);
    }
  }
  if (types.empty()) {
    types.push_back(plan::ReviewType::dhr);
  }
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) {
      out += i + 1 == types.size() ? " and " : ", ";
    }
    out += plan::facts(types[i]).full_name;
  }
  return out;
}

}  // namespace

mustache::data notice_data(const NoticeEmailView& view) {
  mustache::data out = email_data(view.kind, view.partnership);
  out.set("review_types", review_types_text(view.items));
  const int count = static_cast<int>(view.items.size());
  std::set<std::pair<std::string, std::string>> actions;
  std::set<Standing> standings;
  int min_days_overdue = 0;
  for (const MilestoneView& item : view.items) {
    actions.emplace(item.review_id, item.action_id);
    standings.insert(standing_of(item));
    if (item.days < 0 && (min_days_overdue == 0 || -item.days < min_days_overdue)) {
      min_days_overdue = -item.days;
    }
  }
  const int action_count = static_cast<int>(actions.size());
  set_text(out, "recipient_name", view.recipient_name);
  out.set("coordinator_name", view.coordinator_name);
  set_text(out, "coordinator_address", view.coordinator_address);
  out.set("today", long_day(view.today));
  set_milestones(out, "items", view.items);
  out.set("count", std::to_string(count));
  out.set("count_text", plural(count, "milestone", "milestones"));
  out.set("one", count == 1);
  out.set("several", count > 1);
  set_moved(out, "first", count > 0 ? milestone_data(view.items.front()) : mustache::data(false));
  out.set("action_count", std::to_string(action_count));
  out.set("action_count_text", plural(action_count, "action", "actions"));
  out.set("one_action", action_count == 1);
  out.set("mixed", standings.size() > 1);
  out.set("summary", stage_summary(view.items));
  out.set("group_when", group_when(view.items, DueWording::brief));
  out.set("group_when_dated", group_when(view.items, DueWording::with_date));
  out.set("min_days_overdue", std::to_string(min_days_overdue));
  out.set("min_days_overdue_text", plural(min_days_overdue, "day", "days"));
  // The update links (SPEC §9): `named` when there are several, one per lead agency.
  std::vector<mustache::data> links;
  links.reserve(view.update_links.size());
  for (const UpdateLink& link : view.update_links) {
    mustache::data entry;
    entry.set("agency_name", link.agency_name);
    entry.set("url", link.url);
    entry.set("named", view.update_links.size() > 1);
    links.push_back(std::move(entry));
  }
  set_moved(out, "update_links", list_of(std::move(links)));
  out.set("has_update_links", !view.update_links.empty());
  std::vector<mustache::data> decisions;
  decisions.reserve(view.decisions.size());
  for (const DecisionView& decision : view.decisions) {
    mustache::data entry;
    set_text(entry, "milestone", decision.milestone);
    set_text(entry, "request", decision.request);
    entry.set("accepted", decision.accepted);
    set_text(entry, "decision_note", decision.note);
    decisions.push_back(std::move(entry));
  }
  set_moved(out, "decisions", list_of(std::move(decisions)));
  out.set("has_decisions", !view.decisions.empty());
  return out;
}

mustache::data digest_data(const DigestView& view) {
  mustache::data out = email_data(EmailKind::digest, view.partnership);
  out.set("today", long_day(view.today));
  out.set("week_commencing", week_commencing(view.today));
  out.set("horizon_days", std::to_string(view.horizon_days));
  out.set("horizon_text", plural(view.horizon_days, "day", "days"));
  out.set("total", std::to_string(view.total));
  out.set("total_text", plural(view.total, "milestone", "milestones"));
  set_milestones(out, "overdue", view.overdue, view.counts.overdue);
  set_milestones(out, "due_soon", view.due_soon, view.counts.due_soon);
  set_milestones(out, "completed", view.completed, view.counts.completed);
  set_milestones(out, "undated", view.undated, view.counts.undated);
  set_milestones(out, "not_implemented", view.not_implemented, view.counts.not_implemented);
  set_rag_rows(out, "recommendations", view.recommendations, "recommendation", "recommendations");
  set_rag_rows(out, "agencies", view.agencies, "agency", "agencies");
  set_audit_rows(out, "audit", view.audit);
  set_audit_rows(out, "failures", view.failures);
  const int waiting = static_cast<int>(view.updates_waiting.size());
  std::vector<mustache::data> updates;
  updates.reserve(std::min(view.updates_waiting.size(), kMaxListed));
  for (std::size_t i = 0; i < view.updates_waiting.size() && i < kMaxListed; ++i) {
    const WaitingUpdateRow& row = view.updates_waiting[i];
    mustache::data entry;
    set_text(entry, "agency", row.agency);
    set_text(entry, "milestone", row.milestone);
    set_text(entry, "request", row.request);
    entry.set("submitted", row.submitted);
    updates.push_back(std::move(entry));
  }
  set_moved(out, "updates_waiting", list_of(std::move(updates)));
  out.set("has_updates_waiting", waiting > 0);
  out.set("updates_waiting_count", std::to_string(waiting));
  set_more(out, "updates_waiting", view.updates_waiting.size(), "update", "updates");
  set_text(out, "updates_link", view.updates_link);
  return out;
}

mustache::data failure_data(const FailureView& view) {
  mustache::data out = email_data(EmailKind::failure, view.partnership);
  const int count = static_cast<int>(view.messages.size());
  // The subject: the one message's own subject, or how many failed.
  std::string summary;
  if (!view.settings_problem.empty()) {
    summary = "no email can be sent until the settings are fixed";
  } else if (count == 1) {
    summary = view.messages.front().subject;
  } else {
    summary = plural(count, "message", "messages");
  }
  out.set("summary", summary);
  set_text(out, "settings_problem", view.settings_problem);
  set_moved(out, "settings_problem_lines", lines_of(view.settings_problem));
  out.set("waiting_text", plural(view.waiting, "message waits", "messages wait"));
  out.set("has_waiting", view.waiting > 0);
  out.set("count_text", plural(count, "message", "messages"));
  std::vector<mustache::data> messages;
  messages.reserve(view.messages.size());
  for (const auto& message : view.messages) {
    mustache::data item;
    item.set("subject", message.subject);
    item.set("recipients", message.recipients);
    set_text(item, "error", message.error);
    set_moved(item, "error_lines", lines_of(message.error));
    item.set("attempts", std::to_string(message.attempts));
    item.set("attempts_text", plural(message.attempts, "attempt", "attempts"));
    set_time(item, "first_attempt", message.first_attempt);
    item.set("permanent", message.permanent);
    messages.push_back(std::move(item));
  }
  set_moved(out, "messages", list_of(std::move(messages)));
  out.set("has_messages", count > 0);
  set_moved(out, "advice", text_list(view.advice, "line"));
  out.set("has_advice", !view.advice.empty());
  return out;
}

mustache::data problem_data(const ProblemView& view) {
  mustache::data out = email_data(EmailKind::problem, view.partnership);
  set_moved(out, "problems", text_list(view.problems, "problem"));
  out.set("count_text", plural(static_cast<int>(view.problems.size()), "problem", "problems"));
  set_time(out, "since", view.since);
  return out;
}

mustache::data test_data(const TestView& view) {
  mustache::data out = email_data(EmailKind::test, view.partnership);
  out.set("coordinator_name", view.coordinator_name);
  set_text(out, "coordinator_address", view.coordinator_address);
  out.set("transport", view.transport);
  out.set("recipient", view.recipient);
  return out;
}

}  // namespace plan_reminder::mail
