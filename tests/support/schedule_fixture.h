// A small deployment for tests of the notification policy and of what changes it (SPEC §4,
// §9): two agencies and the partnership's roles, one plan, and passes run day by day as the
// daemon would, with the time passed in.
#pragma once

#include "base/key_set.h"
#include "policy/schedule.h"

#include <date/date.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::policy::fixture {

using date::year_month_day;

inline plan::Mailbox box(std::string name, std::string address) {
  return plan::Mailbox{std::move(name), {std::move(address)}, {}};
}

inline plan::Milestone milestone(std::string id, year_month_day due) {
  plan::Milestone m;
  m.id = std::move(id);
  m.text = "Milestone " + m.id;
  m.target = plan::Target{date::format("%F", due), due};
  return m;
}

inline plan::Action action(std::string id, std::vector<std::string> leads,
                           std::vector<plan::Milestone> milestones) {
  plan::Action a;
  a.id = std::move(id);
  a.text = "Action " + a.id;
  for (auto& lead : leads) {
    a.lead.push_back(plan::AgencyRef{lead, 1, 1});
  }
  a.milestones = std::move(milestones);
  return a;
}

// A deployment with two agencies, a chair, a coordinator and a board, and one plan.
struct Deployment {
  plan::Snapshot snapshot;
  Clock clock = clock_for(plan::Config{});

  explicit Deployment(std::vector<plan::Action> actions, bool digest_list = true) {
    snapshot.config.from = "Partnership <dhr@partnership.example.org>";
    auto& d = snapshot.directory;
    d.partnership = "Test Partnership";
    d.chair = box("Chair", "chair@partnership.example.org");
    d.coordinator = box("Coordinator", "coordinator@council.example.org");
    d.digest = plan::Mailbox{"Board", {"board@partnership.example.org", "deputy@example.org"}, {}};
    d.digest_is_list = digest_list;
    d.agencies["wwin"] = plan::Agency{"wwin", box("WWiN", "lead@wwin.example.org")};
    d.agencies["police"] = plan::Agency{"police", box("Police", "dhr@police.example.org")};
    d.agencies["council"] = plan::Agency{"council", box("Council", "dhr@council.example.org")};
    auto p = std::make_shared<plan::Plan>();
    p->review.id = "dhr-test";
    p->review.title = "Review 'Test'";
    plan::Recommendation r;
    r.id = "1";
    r.actions = std::move(actions);
    p->recommendations.push_back(std::move(r));
    snapshot.plans.push_back(p);
  }

  plan::Action& first_action() {
    return const_cast<plan::Plan&>(*snapshot.plans[0]).recommendations[0].actions[0];
  }
};

inline Instant at(year_month_day day, int hour, int minute = 0) {
  return calendar::TimeZone::london().at(date::local_days(day),
                                         std::chrono::hours(hour) + std::chrono::minutes(minute));
}

// Runs passes at 08:30 and 09:00 of every day in [from, to], as the daemon would, marking
// everything handled and `last_pass`; returns what was sent, by day, as
// "kind:recipient:stage/occurrence...".
inline std::map<std::string, std::vector<std::string>> simulate(
    const plan::Snapshot& snapshot, const Clock& clock, year_month_day from, year_month_day to,
    base::KeySet& handled, std::optional<Instant>& last_pass) {
  std::map<std::string, std::vector<std::string>> sent;
  for (auto day = date::sys_days(from); day <= date::sys_days(to); day += date::days(1)) {
    for (auto time : {std::pair{8, 30}, std::pair{9, 0}}) {
      Instant now = at(year_month_day{day}, time.first, time.second);
      PassInputs inputs{&snapshot, &clock, &handled, last_pass, {}, {}};
      PassPlan pass = plan_pass(inputs, now);
      for (const auto& email : pass.emails) {
        std::string line = std::string(mail::to_string(email.kind)) + ":" + email.recipient.id;
        for (const auto& notice : email.notices) {
          line += std::string(" ") + mail::to_string(notice.stage) + "/" +
                  std::to_string(notice.occurrence);
          handled.insert(notice.key);
        }
        if (!email.digest_key.empty()) {
          handled.insert(email.digest_key);
        }
        sent[date::format("%F", year_month_day{day})].push_back(line);
      }
      for (const auto& dropped : pass.dropped) {
        handled.insert(dropped.key);
      }
      if (pass.notice_window) {
        last_pass = now;
      }
    }
  }
  return sent;
}

// The same from a service that never ran before `from`.
inline std::map<std::string, std::vector<std::string>> simulate(const Deployment& deployment,
                                                                year_month_day from,
                                                                year_month_day to,
                                                                base::KeySet& handled) {
  std::optional<Instant> last_pass;
  return simulate(deployment.snapshot, deployment.clock, from, to, handled, last_pass);
}

// The emails of a pass other than digests.
inline std::vector<const PlannedEmail*> notice_emails(const PassPlan& pass) {
  std::vector<const PlannedEmail*> out;
  for (const auto& email : pass.emails) {
    if (email.kind != mail::EmailKind::digest) {
      out.push_back(&email);
    }
  }
  return out;
}

inline std::map<std::string, std::vector<std::string>> without_digests(
    std::map<std::string, std::vector<std::string>> sent) {
  for (auto it = sent.begin(); it != sent.end();) {
    std::erase_if(it->second, [](const std::string& s) { return s.rfind("digest:", 0) == 0; });
    it = it->second.empty() ? sent.erase(it) : std::next(it);
  }
  return sent;
}

}  // namespace plan_reminder::policy::fixture
