// The board paper as HTML (see paper_html.h). Built here rather than from templates/web/: the
// web templates are loaded only with a `web:` section, and a paper must print without them.
#include "reports/paper_html.h"

#include "mail/notice_kinds.h"
#include "mail/template_text.h"

#include <initializer_list>

namespace plan_reminder::reports {
namespace {

using mail::html_escape;

constexpr std::string_view kStyle = R"(
@page { size: A4 landscape; margin: 15mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #0b0c0c; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.5em; break-after: avoid; }
h3 { font-size: 11pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #b1b4b6; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
.rag { font-weight: bold; }
.red { background: #ffc7ce; color: #9c0006; }
.amber { background: #ffeb9c; color: #9c5700; }
.green { background: #c6efce; color: #006100; }
.marking { text-align: center; font-weight: bold; color: #c00000; }
section.review { break-before: page; }
)";

std::string cell(std::string_view text, std::string_view tag = "td") {
  return "<" + std::string(tag) + ">" + html_escape(std::string(text)) + "</" + std::string(tag) +
         ">";
}

std::string rag_cell(const std::optional<Rag>& rag) {
  if (!rag) {
    return "<td></td>";
  }
  const std::string word(mail::to_string(*rag));
  return "<td class=\"rag " + word + "\">" + word + "</td>";
}

std::string head(std::initializer_list<std::string_view> names) {
  std::string out = "<thead><tr>";
  for (std::string_view name : names) {
    out += cell(name, "th");
  }
  return out + "</tr></thead>\n";
}

std::string percent(const std::optional<int>& value) {
  return value ? std::to_string(*value) + "%" : std::string();
}

std::string counts(const mail::RagRow& row, const std::optional<int>& share) {
  return rag_cell(row.rag) + cell(std::to_string(row.complete)) + cell(std::to_string(row.total)) +
         cell(percent(share)) + cell(std::to_string(row.overdue)) +
         cell(std::to_string(row.due_soon)) + cell(std::to_string(row.undated));
}

std::string summary(const BoardPaper& paper) {
  std::string out =
      "<table>\n" +
      head({"Review", "RAG", "Complete", "Total", "% complete", "Overdue", "Due soon", "Undated"}) +
      "<tbody>\n";
  for (const PaperReview& review : paper.reviews) {
    out += "<tr>" + cell(review.name) + counts(review.tally, review.percent_complete) + "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string changes(const BoardPaper& paper, const PaperReview& review) {
  std::string out = "<h3>Changes since " + html_escape(mail::plain_day(paper.since)) + "</h3>\n";
  if (review.changes.empty()) {
    return out + "<p>Nothing changed.</p>\n";
  }
  out += "<table>\n" + head({"Date", "Change", "Action", "Milestone", "Detail"}) + "<tbody>\n";
  for (const PaperChange& c : review.changes) {
    out += "<tr>" + cell(mail::plain_day(c.on)) + cell(to_string(c.kind)) + cell(c.action_id) +
           cell(c.milestone_text) + cell(c.detail) + "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string chase_list(const OverdueMilestone& m) {
  if (m.chase.empty()) {
    return "no notice sent yet";
  }
  std::string out;
  for (const ChaseEntry& entry : m.chase) {
    out += (out.empty() ? "" : "<br>") + html_escape(std::string(mail::facts(entry.kind).label)) +
           " " + html_escape(mail::plain_day(entry.sent)) + " to " + html_escape(entry.recipients);
  }
  return out;
}

std::string overdue(const PaperReview& review) {
  std::string out = "<h3>Overdue milestones and how the agencies were chased</h3>\n";
  if (review.overdue.empty()) {
    return out + "<p>Nothing is overdue.</p>\n";
  }
  out += "<table>\n" +
         head({"Action", "Milestone", "Lead", "Target", "Due", "Days overdue", "Chased"}) +
         "<tbody>\n";
  for (const OverdueMilestone& m : review.overdue) {
    out += "<tr>" + cell(m.action_id) + cell(m.milestone_text) + cell(m.lead) + cell(m.target) +
           cell(mail::plain_day(m.due)) + cell(std::to_string(m.days_overdue)) + "<td>" +
           chase_list(m) + "</td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string review_section(const BoardPaper& paper, const PaperReview& review) {
  std::string out = "<section class=\"review\">\n<h2>" + html_escape(review.name) + "</h2>\n";
  out += "<table>\n" +
         head({"Recommendation", "Text", "RAG", "Complete", "Total", "% complete", "Overdue",
               "Due soon", "Undated"}) +
         "<tbody>\n";
  for (const PaperRecommendation& r : review.recommendations) {
    out += "<tr>" + cell(r.id) + cell(r.text) + counts(r.tally, r.percent_complete) + "</tr>\n";
  }
  out += "</tbody></table>\n";
  return out + changes(paper, review) + overdue(review) + "</section>\n";
}

}  // namespace

std::string paper_html(const BoardPaper& paper) {
  const std::string title = "Action plan status: " + paper.partnership;
  const std::string marking =
      paper.marking.empty() ? "" : "<p class=\"marking\">" + html_escape(paper.marking) + "</p>\n";
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>" +
      html_escape(title) + "</title>\n<style>" + std::string(kStyle) +
      "</style>\n</head>\n<body>\n" + marking;
  out += "<h1>" + html_escape(title) + "</h1>\n<p>As of " +
         html_escape(mail::plain_day(paper.today)) + ". Changes since " +
         html_escape(mail::plain_day(paper.since)) + " (" + html_escape(paper.since_basis) +
         ").</p>\n";
  out += summary(paper);
  for (const PaperReview& review : paper.reviews) {
    out += review_section(paper, review);
  }
  return out + marking + "</body>\n</html>\n";
}

}  // namespace plan_reminder::reports
