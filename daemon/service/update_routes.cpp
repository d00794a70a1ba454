// The agency's update page (SPEC §9): GET shows the milestones of an email's update link with
// the form; POST checks a submission and stores its updates as waiting, or shows the page again
// with what was wrong. Members of WebPages (web_pages.h), beside the other pages.
#include "pages/coordinator_page.h"
#include "pages/update_page.h"
#include "policy/agenda.h"
#include "policy/notice_email.h"
#include "progress/decisions.h"
#include "progress/update_form.h"
#include "service/local_time.h"
#include "service/update_links.h"
#include "service/web_pages.h"
#include "web/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

namespace plan_reminder::service {
namespace {

// A plain 403 page, never kept by a browser or a proxy.
web::Response refused_page(const char* message) {
  web::Response response = web::plain_error(403, message);
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

// What a visitor is told when an update link does not open: plainly, and that nothing changed.
web::Response link_refused(web::LinkCheck check) {
  return refused_page(
      check == web::LinkCheck::expired
          ? "This update link has expired. Nothing has been changed. Reply to the email, or ask "
            "the DHR coordinator for a new link."
          : "This update link does not work: it is incomplete, was changed, or has been "
            "withdrawn. Nothing has been changed. Open the link from your email again, or ask "
            "the DHR coordinator for a new one.");
}

web::Response page(std::string body, int status = 200) {
  web::Response response;
  response.status = status;
  response.body = std::move(body);
  // It shows what is waiting now, and what was typed: never kept by a browser or a proxy.
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

std::string sent_line(const progress::LinkedMilestone& linked, const store::UpdateRecord& update) {
  std::string line =
      linked.action->id + " " +
      (linked.milestone->text.empty() ? linked.action->text : linked.milestone->text) + ": " +
      request_words(update);
  if (!update.note.empty()) {
    line += " (" + update.note + ")";
  }
  return line;
}

bool same_milestone(const progress::LinkedMilestone& linked, const store::UpdateRecord& update) {
  return linked.plan->review.id == update.review && linked.action->id == update.action &&
         linked.milestone->id == update.milestone;
}

// Stores a good submission's updates as waiting; what the confirmation lists.
std::vector<std::string> store_updates(store::StateStore& state, const std::string& agency,
                                       const std::vector<store::UpdateRecord>& updates,
                                       const std::vector<progress::LinkedMilestone>& linked) {
  std::vector<std::string> sent;
  for (const store::UpdateRecord& update : updates) {
    const std::int64_t stored = state.add_update(update);
    spdlog::info("web: update {} from {}: {} {} {} {}", stored, agency, update.review,
                 update.action, update.milestone, store::token(update.kind));
    for (const auto& one : linked) {
      if (same_milestone(one, update)) {
        sent.push_back(sent_line(one, update));
      }
    }
  }
  return sent;
}

// One milestone of the page: what the plans say of it, and the agency's update waiting, if any.
pages::UpdatePageMilestone page_milestone(const plan::Snapshot& snapshot,
                                          const progress::LinkedMilestone& linked,
                                          date::year_month_day day, const calendar::TimeZone& zone,
                                          const std::string& agency,
                                          const std::vector<store::UpdateRecord>& waiting) {
  pages::UpdatePageMilestone item;
  const policy::MilestoneStanding standing =
      policy::standing(*linked.milestone, *linked.action, linked.plan->review, day,
                       snapshot.config.policy.digest_horizon_days);
  item.milestone =
      policy::milestone_view(snapshot.directory, *linked.plan, *linked.recommendation,
                             *linked.action, *linked.milestone, standing, date::local_days(day));
  for (const auto& update : waiting) {
    if (update.agency == agency && same_milestone(linked, update)) {
      item.waiting = "Waiting for the coordinator: " + request_words(update) + ", sent " +
                     mail::plain_day(date::year_month_day{zone.day_of(update.submitted)}) + ".";
    }
  }
  return item;
}

// What the coordinator is told when the coordinator's link does not open.
web::Response coordinator_link_refused(web::LinkCheck check) {
  return refused_page(
      check == web::LinkCheck::expired
          ? "This link to the updates from agencies has expired. Nothing has been changed. The "
            "next digest has a new one; `plan-reminder url coordinator` prints one."
          : "This link to the updates from agencies does not work: it is incomplete, was "
            "changed, or has been withdrawn. Nothing has been changed. `plan-reminder url "
            "coordinator` prints the current one.");
}

// The milestone an update is about, as the plans say it now; nothing when they no longer have
// it.
std::optional<progress::LinkedMilestone> find_in_plans(const plan::Snapshot& snapshot,
                                                       const store::UpdateRecord& update) {
  for (const auto& plan : snapshot.plans) {
    if (plan->review.id != update.review) {
      continue;
    }
    for (const auto& recommendation : plan->recommendations) {
      for (const auto& action : recommendation.actions) {
        if (action.id != update.action) {
          continue;
        }
        for (const auto& milestone : action.milestones) {
          if (milestone.id == update.milestone) {
            return progress::LinkedMilestone{plan.get(), &recommendation, &action, &milestone};
          }
        }
      }
    }
  }
  return std::nullopt;
}

pages::WaitingUpdate waiting_update(const plan::Snapshot& snapshot,
                                    const store::UpdateRecord& update, date::year_month_day day,
                                    const policy::Clock& clock) {
  pages::WaitingUpdate item;
  item.id = update.id;
  const plan::Agency* agency = snapshot.directory.find(update.agency);
  item.agency_name = agency != nullptr ? agency->mailbox.name : update.agency;
  item.about = progress::about(update);
  item.request = request_words(update);
  item.note = update.note;
  item.submitted = short_local_time(clock, update.submitted);
  if (auto linked = find_in_plans(snapshot, update)) {
    const policy::MilestoneStanding standing =
        policy::standing(*linked->milestone, *linked->action, linked->plan->review, day,
                         snapshot.config.policy.digest_horizon_days);
    item.milestone = policy::milestone_view(snapshot.directory, *linked->plan,
                                            *linked->recommendation, *linked->action,
                                            *linked->milestone, standing, date::local_days(day));
  }
  return item;
}

// What a decision did, for the page's status message.
std::string decided_words(const progress::Decision& decision, store::UpdateState state,
                          const std::string& agency_name) {
  const store::UpdateRecord& update = decision.update;
  std::string words = (state == store::UpdateState::accepted ? "Accepted" : "Rejected") +
                      std::string(" update ") + std::to_string(update.id) + " from " + agency_name +
                      " (" + progress::about(update) + "): " + request_words(update) + ". ";
  return words + (state == store::UpdateState::accepted
                      ? "It takes effect at the next pass; the agency is told in its next email."
                      : "The agency is told why in its next email.");
}

// A decision as the coordinator's form sends it.
struct DecisionForm {
  std::int64_t id = 0;
  store::UpdateState decision = store::UpdateState::accepted;
  std::string note;
};

// The form's update number, decision and note; nothing when it is not such a form.
std::optional<DecisionForm> read_decision_form(std::string_view body) {
  auto form = web::decode_form(body);
  if (!form) {
    return std::nullopt;
  }
  const auto field = [&form](const char* name) {
    auto found = form->find(name);
    return found == form->end() ? std::string() : found->second;
  };
  DecisionForm out;
  const std::string id = field("id");
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), out.id);
  const std::string verb = field("decision");
  if (id.empty() || error != std::errc() || end != id.data() + id.size() ||
      (verb != "accept" && verb != "reject")) {
    return std::nullopt;
  }
  out.decision = verb == "accept" ? store::UpdateState::accepted : store::UpdateState::rejected;
  out.note = field("note");
  return out;
}

// Puts what a decision did, or why it was refused, on the page; the page's status.
int show_decision(const progress::Decision& decided, const DecisionForm& form,
                  const plan::Directory& directory, pages::CoordinatorPageView& view) {
  switch (decided.outcome) {
    case progress::Decision::Outcome::decided: {
      const plan::Agency* agency = directory.find(decided.update.agency);
      view.outcome = decided_words(
          decided, form.decision, agency != nullptr ? agency->mailbox.name : decided.update.agency);
      return 200;
    }
    case progress::Decision::Outcome::no_reason:
      view.problem =
          "Say why you reject update " + std::to_string(form.id) + ": the agency is told.";
      view.problem_anchor = "note-" + std::to_string(form.id);
      return 400;
    default: {
      std::string problem = progress::explain(decided, form.id);
      problem[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(problem[0])));
      view.problem = problem + ".";
      view.problem_anchor = "updates";
      return decided.outcome == progress::Decision::Outcome::already_decided ? 409 : 400;
    }
  }
}

}  // namespace

web::LinkCheck WebPages::check_link(const web::Request& request, const web::LinkSubject& subject,
                                    date::year_month_day today) const {
  auto token = request.query.find("t");
  if (token == request.query.end()) {
    return web::LinkCheck::malformed;
  }
  const auto epoch = web::current_epoch(*state_, subject);
  return web::verify(secret_, subject, epoch, token->second, today);
}

web::Response WebPages::update(const SiteState& site, const web::Request& request,
                               const std::string& id) {
  auto message = request.query.find("m");
  const std::string message_id = message == request.query.end() ? "" : message->second;
  const web::LinkSubject subject = update_link_subject(id, message_id);
  const date::year_month_day day = today(site);
  const web::LinkCheck check = check_link(request, subject, day);
  if (check != web::LinkCheck::valid || message_id.empty()) {
    spdlog::debug("web: update link for {} refused: {}", id, web::describe(check));
    return link_refused(check);
  }
  const plan::Snapshot& snapshot = *site.deployment.snapshot;
  const auto linked =
      progress::linked_milestones(snapshot, state_->notices_of_message("<" + message_id + ">"), id);
  const std::string& token = request.query.at("t");

  pages::UpdatePageView view;
  view.partnership = snapshot.directory.partnership;
  const plan::Agency* agency = snapshot.directory.find(id);
  view.agency_name = agency != nullptr ? agency->mailbox.name : id;
  view.today = day;
  view.form_action = web::link_url(settings_.base_url, subject, token);
  view.form_token = web::form_token(secret_, token);

  progress::Submission submission;
  if (request.method == "POST") {
    if (auto refused = refuse_submission(request, token, submissions_)) {
      return *refused;
    }
    auto form = web::decode_form(request.body);
    if (!form) {
      return web::plain_error(400, "The form could not be read. Nothing has been changed.");
    }
    const date::sys_seconds now = now_();
    submission = progress::read_submission(
        *form, linked,
        progress::SubmissionContext{id, day, now, snapshot.config.quarters, web::token_id(token)});
    if (submission.problems.empty()) {
      view.sent = store_updates(*state_, id, submission.updates, linked);
      if (!submission.updates.empty()) {
        forget_kept();  // the board counts the updates waiting
      }
      return page(pages::render_update(*site.deployment.web_templates, view));
    }
    view.problems = submission.problems;
  }

  // What is waiting for the coordinator, per milestone: the newest waiting update of this agency.
  const auto waiting = state_->updates({store::UpdateState::waiting});
  for (std::size_t i = 0; i < linked.size(); ++i) {
    pages::UpdatePageMilestone item =
        page_milestone(snapshot, linked[i], day, clock_->zone, id, waiting);
    if (i < submission.entries.size()) {
      item.entry = submission.entries[i];
    }
    for (const auto& problem : submission.problems) {
      if (problem.index == i) {
        item.errors.emplace(problem.field, problem.message);
      }
    }
    view.milestones.push_back(std::move(item));
  }
  state_->idle();
  return page(pages::render_update(*site.deployment.web_templates, view),
              view.problems.empty() ? 200 : 400);
}

web::Response WebPages::coordinator(const SiteState& site, const web::Request& request) {
  const web::LinkSubject subject{web::LinkPurpose::coordinator, std::string(web::kBoardId), {}};
  const date::year_month_day day = today(site);
  const web::LinkCheck check = check_link(request, subject, day);
  if (check != web::LinkCheck::valid) {
    spdlog::debug("web: coordinator link refused: {}", web::describe(check));
    return coordinator_link_refused(check);
  }
  const plan::Snapshot& snapshot = *site.deployment.snapshot;
  const std::string& token = request.query.at("t");
  pages::CoordinatorPageView view;
  view.partnership = snapshot.directory.partnership;
  view.today = day;
  view.form_action = web::link_url(settings_.base_url, subject, token);
  view.form_token = web::form_token(secret_, token);

  int status = 200;
  std::int64_t refused_id = 0;  // the update whose note needs a reason
  std::string typed_note;
  if (request.method == "POST") {
    if (auto refused = refuse_submission(request, token, decisions_)) {
      return *refused;
    }
    const std::optional<DecisionForm> form = read_decision_form(request.body);
    if (!form) {
      return web::plain_error(400, "The form could not be read. Nothing has been changed.");
    }
    const progress::Decision decided =
        progress::decide(*state_, snapshot, form->id, form->decision, now_(), form->note);
    status = show_decision(decided, *form, snapshot.directory, view);
    if (decided.outcome == progress::Decision::Outcome::decided) {
      spdlog::info("web: the coordinator {} update {} from {}", store::token(form->decision),
                   form->id, decided.update.agency);
      forget_kept();  // the board counts the updates waiting
    } else if (decided.outcome == progress::Decision::Outcome::no_reason) {
      refused_id = form->id;
      typed_note = form->note;
    }
  }
  std::vector<store::UpdateRecord> waiting = state_->updates({store::UpdateState::waiting});
  std::stable_sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
    return std::tie(a.submitted, a.id) < std::tie(b.submitted, b.id);
  });
  for (const auto& update : waiting) {
    pages::WaitingUpdate item = waiting_update(snapshot, update, day, *clock_);
    if (update.id == refused_id) {
      item.note_value = typed_note;
      item.note_error = view.problem;
    }
    view.waiting.push_back(std::move(item));
  }
  state_->idle();
  return page(pages::render_coordinator(*site.deployment.web_templates, view), status);
}

std::optional<web::Response> WebPages::refuse_submission(const web::Request& request,
                                                         const std::string& token,
                                                         web::RateLimit& limit) {
  // Only a form as a browser sends it.
  const std::string_view type = request.content_type;
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded") {
    return web::plain_error(415, "Send the form from its page. Nothing has been changed.");
  }
  // The form token is an HMAC of this link's token: another site cannot make one.
  bool genuine = false;
  if (auto form = web::decode_form(request.body)) {
    auto sent = form->find("form_token");
    genuine = sent != form->end() && web::form_token_matches(secret_, token, sent->second);
  }
  if (!genuine) {
    spdlog::info("web: a form without its form token was refused");
    return web::plain_error(
        403,
        "This form did not come from its page, or the page is too old. Nothing has been "
        "changed. Open the link again.");
  }
  if (auto wait = limit.attempt(web::token_id(token), now_())) {
    spdlog::info("web: link {} sends too often; refused for {} s", web::token_id(token),
                 wait->count());
    web::Response response = web::plain_error(
        429,
        "Too many in a short time through this link. Nothing has been changed. Wait a few "
        "minutes and try again.");
    response.headers.push_back({"Retry-After", std::to_string(wait->count())});
    return response;
  }
  return std::nullopt;
}

}  // namespace plan_reminder::service
