// The board paper as CSV (see paper_csv.h).
#include "reports/paper_csv.h"

#include "base/iso_day.h"
#include "mail/notice_kinds.h"

#include <initializer_list>

namespace plan_reminder::reports {
namespace {

constexpr std::string_view kHeader =
    "review,review_name,section,recommendation,action,milestone,text,rag,complete,total,"
    "percent_complete,date,detail";

std::string line(std::initializer_list<std::string_view> cells) {
  std::string out;
  bool first = true;
  for (std::string_view cell : cells) {
    out += first ? "" : ",";
    out += csv_cell(cell);
    first = false;
  }
  return out + "\r\n";
}

std::string number(int value) {
  return std::to_string(value);
}

std::string percent(const std::optional<int>& value) {
  return value ? std::to_string(*value) : std::string();
}

std::string rag_word(const std::optional<Rag>& rag) {
  return rag ? std::string(mail::to_string(*rag)) : std::string();
}

void add_review(std::string& out, const PaperReview& review) {
  for (const PaperRecommendation& r : review.recommendations) {
    out += line({review.id, review.name, "recommendation", r.id, "", "", r.text,
                 rag_word(r.tally.rag), number(r.tally.complete), number(r.tally.total),
                 percent(r.percent_complete), "", ""});
  }
  for (const PaperChange& c : review.changes) {
    out += line({review.id, review.name, "change", c.recommendation_id, c.action_id, c.milestone_id,
                 c.milestone_text, "", "", "", "", base::iso_day(c.on),
                 std::string(to_string(c.kind)) + ": " + c.detail});
  }
  for (const OverdueMilestone& m : review.overdue) {
    out +=
        line({review.id, review.name, "overdue", m.recommendation_id, m.action_id, m.milestone_id,
              m.milestone_text, "red", "", "", "", base::iso_day(m.due),
              number(m.days_overdue) + " days overdue; lead " + m.lead + "; target " + m.target});
    for (const ChaseEntry& entry : m.chase) {
      out += line({review.id, review.name, "chased", m.recommendation_id, m.action_id,
                   m.milestone_id, m.milestone_text, "", "", "", "", base::iso_day(entry.sent),
                   std::string(mail::facts(entry.kind).label) + " to " + entry.recipients});
    }
  }
}

}  // namespace

std::string csv_cell(std::string_view text) {
  std::string cell;
  if (!text.empty() && std::string_view("=+-@").find(text.front()) != std::string_view::npos) {
    cell = "'";
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    return cell;
  }
  std::string out = "\"";
  for (char c : cell) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + '"';
}

std::string paper_csv(const BoardPaper& paper) {
  std::string out = "\xEF\xBB\xBF";
  if (!paper.marking.empty()) {
    out += csv_cell(paper.marking) + "\r\n";
  }
  out += std::string(kHeader) + "\r\n";
  out += line({"", paper.partnership, "paper", "", "", "",
               "Changes since " + base::iso_day(paper.since) + " (" + paper.since_basis + ")", "",
               "", "", "", base::iso_day(paper.today), ""});
  for (const PaperReview& review : paper.reviews) {
    add_review(out, review);
  }
  if (!paper.marking.empty()) {
    out += csv_cell(paper.marking) + "\r\n";
  }
  return out;
}

}  // namespace plan_reminder::reports
