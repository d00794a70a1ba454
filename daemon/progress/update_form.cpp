// The update page's model and checks (see update_form.h).
#include "progress/update_form.h"

#include "base/utf8.h"
#include "plan/target_date.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

namespace plan_reminder::progress {
namespace {

using store::UpdateKind;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return "";
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Not UTF-8, or a control character other than a line break or tab in a note.
bool clean_text(std::string_view text, bool lines) {
  for (std::size_t at = 0; at < text.size();) {
    const base::Utf8Character character = base::decode_utf8(text, at);
    if (character.length == 0) {
      return false;
    }
    const char32_t c = character.code;
    const bool allowed_space = lines && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) && !allowed_space) {
      return false;
    }
    at += character.length;
  }
  return true;
}

std::string field_value(const std::map<std::string, std::string>& form, std::string_view field,
                        std::size_t index) {
  auto found = form.find(field_name(field, index));
  return found == form.end() ? std::string() : found->second;
}

class Checker {
 public:
  Checker(const SubmissionContext& context, Submission& out) : context_(context), out_(out) {}

  void check(std::size_t index, const LinkedMilestone& linked, const MilestoneEntry& entry) {
    if (entry.kind.empty()) {
      return;
    }
    auto kind = store::update_kind_from_token(entry.kind);
    if (!kind) {
      problem(index, "kind", "Choose what to report for this milestone");
      return;
    }
    store::UpdateRecord update;
    update.review = linked.plan->review.id;
    update.action = linked.action->id;
    update.milestone = linked.milestone->id;
    update.agency = context_.agency;
    update.kind = *kind;
    update.submitted = context_.now;
    update.token_id = context_.token_id;
    update.note = trimmed(entry.note);
    const std::size_t before = out_.problems.size();
    switch (*kind) {
      case UpdateKind::completed:
        update.done_on = done_on(index, linked.plan->review, entry.done_on);
        note(index, update.note, false, "");
        break;
      case UpdateKind::progress:
        note(index, update.note, true, "Enter what progress has been made");
        break;
      case UpdateKind::new_target:
        update.target = new_target(index, linked.plan->review, entry.target);
        note(index, update.note, true, "Enter why a new target date is needed");
        break;
      case UpdateKind::not_implemented:
        note(index, update.note, true, "Enter why this will not be implemented");
        break;
    }
    if (out_.problems.size() == before) {
      out_.updates.push_back(std::move(update));
    }
  }

 private:
  void problem(std::size_t index, std::string field, std::string message) {
    out_.problems.push_back(FieldProblem{index, std::move(field), std::move(message)});
  }

  std::optional<date::year_month_day> done_on(std::size_t index, const plan::Review& review,
                                              const std::string& typed) {
    const std::string text = trimmed(typed);
    if (text.empty()) {
      problem(index, "done", "Enter the date the milestone was completed");
      return std::nullopt;
    }
    auto day = plan::read_day(text);
    if (!day) {
      problem(index, "done",
              "Enter the completion date as a real date, for example 27/03/2026 or 2026-03-27");
      return std::nullopt;
    }
    if (*day > context_.today) {
      problem(index, "done", "The completion date must be today or in the past");
      return std::nullopt;
    }
    if (review.published && *day < *review.published) {
      problem(index, "done",
              "The completion date must be on or after the review was published (" +
                  date::format("%d/%m/%Y", *review.published) + ")");
      return std::nullopt;
    }
    return day;
  }

  std::string new_target(std::size_t index, const plan::Review& review, const std::string& typed) {
    std::string text = trimmed(typed);
    if (text.empty()) {
      problem(index, "target", "Enter the new target date");
      return "";
    }
    if (text.size() > kMaxTargetCharacters || !clean_text(text, false)) {
      problem(index, "target", "Enter the new target date as a date, for example June 2027");
      return "";
    }
    auto meaning = plan::read_target(text, context_.quarters);
    if (!meaning) {
      problem(index, "target",
              "Enter the new target date as a date, for example 30/06/2027, June 2027 or Q2 "
              "2027/28");
      return "";
    }
    std::optional<date::year_month_day> due;
    if (const auto* day = std::get_if<date::year_month_day>(&*meaning)) {
      due = *day;
    } else if (const auto* offset = std::get_if<plan::PublicationOffset>(&*meaning)) {
      if (review.published) {
        due = plan::apply_offset(*review.published, *offset);
      }
    }
    if (!due) {
      problem(index, "target",
              "Enter a new target that is a date, for example June 2027 (not \"" + text + "\")");
      return "";
    }
    if (*due <= context_.today) {
      problem(index, "target", "The new target date must be in the future");
      return "";
    }
    return text;
  }

  void note(std::size_t index, const std::string& text, bool required, const char* missing) {
    if (text.empty()) {
      if (required) {
        problem(index, "note", missing);
      }
      return;
    }
    if (base::count_characters(text) > kMaxNoteCharacters) {
      problem(index, "note",
              "Keep the note to " + std::to_string(kMaxNoteCharacters) + " characters or fewer");
    } else if (!clean_text(text, true)) {
      problem(index, "note", "Remove the special characters from the note");
    }
  }

  const SubmissionContext& context_;
  Submission& out_;
};

// The milestone of `notice` in `plan`, when its action is one `agency` leads.
std::optional<LinkedMilestone> linked_milestone(const plan::Plan& plan,
                                                const store::NoticeRecord& notice,
                                                std::string_view agency) {
  for (const auto& recommendation : plan.recommendations) {
    for (const auto& action : recommendation.actions) {
      const bool leads = std::any_of(action.lead.begin(), action.lead.end(),
                                     [&](const plan::AgencyRef& ref) { return ref.id == agency; });
      if (action.id != notice.action || !leads) {
        continue;
      }
      for (const auto& milestone : action.milestones) {
        if (milestone.id == notice.milestone) {
          return LinkedMilestone{&plan, &recommendation, &action, &milestone};
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<LinkedMilestone> linked_milestones(const plan::Snapshot& snapshot,
                                               const std::vector<store::NoticeRecord>& notices,
                                               std::string_view agency) {
  std::vector<LinkedMilestone> out;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& notice : notices) {
    if (!seen.emplace(notice.review, notice.action, notice.milestone).second) {
      continue;
    }
    for (const auto& plan : snapshot.plans) {
      if (plan->review.id == notice.review) {
        if (auto linked = linked_milestone(*plan, notice, agency)) {
          out.push_back(*linked);
        }
      }
    }
  }
  return out;
}

std::string field_name(std::string_view field, std::size_t index) {
  return std::string(field) + "-" + std::to_string(index + 1);
}

Submission read_submission(const std::map<std::string, std::string>& form,
                           const std::vector<LinkedMilestone>& milestones,
                           const SubmissionContext& context) {
  Submission out;
  Checker checker(context, out);
  for (std::size_t i = 0; i < milestones.size(); ++i) {
    MilestoneEntry entry{field_value(form, "kind", i), field_value(form, "done", i),
                         field_value(form, "target", i), field_value(form, "note", i)};
    checker.check(i, milestones[i], entry);
    out.entries.push_back(std::move(entry));
  }
  const bool chosen = std::any_of(out.entries.begin(), out.entries.end(),
                                  [](const MilestoneEntry& e) { return !e.kind.empty(); });
  if (!chosen) {
    out.problems.insert(out.problems.begin(),
                        FieldProblem{FieldProblem::kWholeForm, "",
                                     "Choose what to report for at least one milestone"});
  }
  if (!out.problems.empty()) {
    out.updates.clear();
  }
  return out;
}

}  // namespace plan_reminder::progress
