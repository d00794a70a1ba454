// What the delivery tests share: a small deployment (a partnership with a coordinator and two
// agencies), the shipped templates, a state database in a fresh folder, and a transport that
// answers each attempt as the test scripted it. Times are literal instants.
#pragma once

#include "base/iso_day.h"
#include "service/pass.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace plan_reminder::service::testing {

using namespace std::chrono_literals;

// Wednesday 1 April 2020, 09:00 in London (BST).
inline const Instant kNow = date::sys_days{date::year{2020} / date::April / 1} + 8h;

inline plan::Mailbox box(const std::string& name, const std::string& address) {
  return plan::Mailbox{name, {address}, {}};
}

inline plan::Snapshot make_snapshot() {
  plan::Snapshot snapshot;
  snapshot.config.from = "Partnership <dhr@partnership.example.org>";
  auto& d = snapshot.directory;
  d.partnership = "Test Partnership";
  d.chair = box("Chair", "chair@partnership.example.org");
  d.coordinator = box("Coordinator", "coordinator@council.example.org");
  d.agencies["wwin"] = plan::Agency{"wwin", box("WWiN", "lead@wwin.example.org")};
  d.agencies["police"] = plan::Agency{"police", box("Police", "dhr@police.example.org")};
  return snapshot;
}

inline mail::Templates shipped_templates() {
  plan::Diagnostics diagnostics;
  auto templates = mail::Templates::load(std::string(PR_SOURCE_DIR) + "/templates", diagnostics);
  if (!templates) {
    throw std::runtime_error("the shipped templates do not load");
  }
  return std::move(*templates);
}

// A plan with `count` actions led by WWiN, each with one milestone due on 1 April 2020.
inline std::shared_ptr<plan::Plan> plan_due_today(int count) {
  auto plan = std::make_shared<plan::Plan>();
  plan->review.id = "dhr-test";
  plan->review.title = "Review 'Test'";
  plan::Recommendation recommendation;
  recommendation.id = "1";
  const date::year_month_day due = date::year{2020} / date::April / 1;
  for (int i = 1; i <= count; ++i) {
    plan::Milestone milestone;
    milestone.id = "m" + std::to_string(i);
    milestone.text = "Milestone " + milestone.id;
    milestone.target = plan::Target{date::format("%F", due), due};
    plan::Action action;
    action.id = "1." + std::to_string(i);
    action.text = "Action " + action.id;
    action.lead.push_back(plan::AgencyRef{"wwin", 1, 1});
    action.milestones.push_back(milestone);
    recommendation.actions.push_back(std::move(action));
  }
  plan->recommendations.push_back(std::move(recommendation));
  return plan;
}

// `count` agencies, each leading one plan of `size(i)` actions due on 1 April 2020.
inline plan::Snapshot agencies_with_plans(int count, int (*size)(int)) {
  plan::Snapshot snapshot = make_snapshot();
  for (int i = 0; i < count; ++i) {
    const std::string agency = "agency-" + std::to_string(i);
    snapshot.directory.agencies[agency] =
        plan::Agency{agency, box("Agency " + std::to_string(i), agency + "@example.org")};
    auto plan = plan_due_today(size(i));
    plan->review.id = "dhr-" + std::to_string(i);
    for (auto& action : plan->recommendations.front().actions) {
      action.lead.front().id = agency;
    }
    snapshot.plans.push_back(std::move(plan));
  }
  return snapshot;
}

// Twenty agencies, each leading one plan of `size(i)` actions due on 1 April 2020: a pass
// this large renders its emails on threads.
inline plan::Snapshot twenty_agencies(int (*size)(int)) {
  return agencies_with_plans(20, size);
}

// Answers each send with the next scripted result (delivered once the script runs out), and
// remembers what was sent.
class ScriptedTransport final : public mail::Transport {
 public:
  std::deque<mail::SendResult> script;
  std::vector<std::vector<std::string>> sent;  // the recipients of each attempt
  std::vector<std::string> raw;                // the message of each attempt

  mail::SendResult send(std::string_view, const std::vector<std::string>& recipients,
                        std::string_view message) override {
    sent.push_back(recipients);
    raw.emplace_back(message);
    if (script.empty()) {
      return {};
    }
    mail::SendResult result = script.front();
    script.pop_front();
    return result;
  }
  std::string describe() const override { return "scripted"; }
};

// The message's text with quoted-printable soft line breaks joined, to search in.
inline std::string Unfolded(const std::string& raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 3, "=\r\n") == 0) {
      i += 2;
      continue;
    }
    out += raw[i];
  }
  return out;
}

// A header's value in a message's text, folded lines joined; "" when it has none.
inline std::string header_of(const std::string& raw, const std::string& name) {
  std::string unfolded;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 3, "\r\n ") == 0) {
      unfolded += ' ';
      i += 2;
      continue;
    }
    unfolded += raw[i];
  }
  std::string key = "\r\n" + name + ": ";
  auto at = ("\r\n" + unfolded).find(key);
  if (at == std::string::npos) {
    return "";
  }
  auto start = at + key.size() - 2;
  return unfolded.substr(start, unfolded.find("\r\n", start) - start);
}

inline mail::SendResult failed_with(mail::SendResult::Status status, mail::SendResult::Cause cause,
                                    const std::string& detail, bool stop_batch) {
  mail::SendResult result;
  result.status = status;
  result.cause = cause;
  result.detail = detail;
  result.stop_batch = stop_batch;
  return result;
}

// The server answered 4xx for this message: try it again later, go on with the others.
inline mail::SendResult busy_for_this_message() {
  return failed_with(mail::SendResult::Status::transient, mail::SendResult::Cause::server_busy,
                     "451 4.3.0 try again later", false);
}

inline mail::SendResult refused_permanently(const std::string& reply) {
  return failed_with(mail::SendResult::Status::permanent,
                     mail::SendResult::Cause::recipients_refused, reply, false);
}

inline mail::SendResult server_unreachable() {
  return failed_with(mail::SendResult::Status::transient, mail::SendResult::Cause::unreachable,
                     "could not connect to the mail server", true);
}

class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest()
      : snapshot_(make_snapshot()),
        templates_(shipped_templates()),
        store_(store::StateStore::open((dir_.path() / "state.db").string())) {}

  // Queues a message to an agency (the coordinator in copy) carrying one notice, about the
  // milestone `milestone` (by default one of its own, named like the message).
  void Queue(const std::string& name, const std::string& agency, const std::string& kind,
             const std::string& due, Instant created, const std::string& milestone = "") {
    store::OutboxMessage message;
    message.message_id = "<" + name + "@partnership.example.org>";
    message.kind = *store::email_kind_from_token(kind);
    message.subject = "[Test Partnership] " + name;
    message.envelope_from = "dhr@partnership.example.org";
    message.recipients = {snapshot_.directory.agencies.at(agency).mailbox.to.front(),
                          "coordinator@council.example.org"};
    message.raw = "Subject: " + name + "\r\n\r\nbody\r\n";
    message.created = created;
    store::NoticeRecord notice;
    notice.key = name;
    notice.kind = message.kind;
    notice.review = "dhr-test";
    notice.action = "1.2";
    notice.milestone = milestone.empty() ? name : milestone;
    notice.recipient = agency;
    notice.due = base::parse_iso_day(due);
    notice.scheduled = created;
    ASSERT_TRUE(store_->enqueue(message, {notice}));
  }

  PassReport Deliver(store::StateStore& store, Instant now) {
    PassRunner runner(snapshot_, templates_, store, transport_);
    return runner.deliver(now);
  }
  PassReport Deliver(Instant now) { return Deliver(*store_, now); }

  std::vector<store::OutboxMessage> MessagesOfKind(const std::string& kind) {
    std::vector<store::OutboxMessage> out;
    for (auto& message : store_->messages_since(Instant{})) {
      if (store::token(message.kind) == kind) {
        out.push_back(std::move(message));
      }
    }
    return out;
  }

  store::OutboxMessage Message(const std::string& name) {
    for (auto& message : store_->messages_since(Instant{})) {
      if (message.message_id == "<" + name + "@partnership.example.org>") {
        return message;
      }
    }
    throw std::runtime_error("no message " + name);
  }

  plan_reminder::test_support::TempDir dir_{"plan-reminder-delivery"};
  plan::Snapshot snapshot_;
  mail::Templates templates_;
  std::unique_ptr<store::StateStore> store_;
  ScriptedTransport transport_;
};

}  // namespace plan_reminder::service::testing
