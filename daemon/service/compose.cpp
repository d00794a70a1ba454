// Composing a pass (see compose.h).
#include "service/compose.h"

#include "service/outbox_entry.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <thread>
#include <utility>
#include <variant>

namespace plan_reminder::service {
namespace {

// The size of pass from which emails are rendered on threads of their own (see compose_pass).
constexpr std::size_t kFewestEmailsForThreads = 16;

std::vector<std::string> keys_of(const policy::PlannedEmail& planned) {
  std::vector<std::string> keys;
  for (const auto& notice : planned.notices) {
    keys.push_back(notice.key);
  }
  if (!planned.digest_key.empty()) {
    keys.push_back(planned.digest_key);
  }
  return keys;
}

// The lead agencies an email's update links are for: its own agency, or, for the chair's
// escalation, every lead agency of its milestones, in the order they first appear.
std::vector<std::string> link_agencies(const policy::PlannedEmail& planned) {
  if (planned.recipient.kind == policy::Recipient::Kind::agency) {
    return {planned.recipient.id};
  }
  std::vector<std::string> agencies;
  if (planned.recipient.kind != policy::Recipient::Kind::chair) {
    return agencies;
  }
  for (const auto& notice : planned.notices) {
    for (const auto& lead : notice.action->lead) {
      if (std::find(agencies.begin(), agencies.end(), lead.id) == agencies.end()) {
        agencies.push_back(lead.id);
      }
    }
  }
  return agencies;
}

void add_update_links(policy::PlannedEmail& planned, const plan::Snapshot& snapshot,
                      const UpdateLinkMaker& update_links) {
  auto* view = std::get_if<mail::NoticeEmailView>(&planned.view);
  if (view == nullptr || !update_links) {
    return;
  }
  const std::string message_id = message_id_of(snapshot.config, keys_of(planned));
  for (const auto& agency : link_agencies(planned)) {
    const plan::Agency* known = snapshot.directory.find(agency);
    view->update_links.push_back(mail::UpdateLink{known != nullptr ? known->mailbox.name : agency,
                                                  update_links(agency, message_id)});
  }
}

}  // namespace

ComposedPass compose_pass(const policy::PassInputs& inputs, const mail::Templates& templates,
                          date::sys_seconds now, const std::function<void(ComposedEmail)>& on_email,
                          const PassAdditions& additions, const Alongside& alongside) {
  const plan::Snapshot& snapshot = *inputs.snapshot;
  // Each email's rows are made as it is rendered, and freed after.
  policy::PassPlan plan = policy::plan_pass_outline(inputs, now);

  // Rendering and composing, most of a large pass's time, read only the plans and the
  // templates. So the next emails are rendered on threads of their own while this thread
  // prepares each email (what it needs from the state) and hands the finished ones to
  // `on_email`, in order. Three at a time on two cores or more: more never made a national
  // catch-up faster (this thread's storing and planning set its pace), and each email held is
  // megabytes. A pass of a few emails (a partnership's usual day) is rendered on this thread:
  // threads would save it milliseconds, and each would leave the daemon a malloc arena to keep
  // between passes.
  const bool on_this_thread =
      std::thread::hardware_concurrency() <= 1 || plan.emails.size() < kFewestEmailsForThreads;
  const std::size_t most_in_flight = on_this_thread ? 1 : 3;
  const auto launch = on_this_thread ? std::launch::deferred : std::launch::async;
  auto render = [&](policy::PlannedEmail planned, std::vector<std::int64_t> tells) {
    ComposedEmail email;
    email.tells = std::move(tells);
    mail::RenderedEmail rendered =
        std::visit([&](const auto& view) { return templates.render(view); }, planned.view);
    // Its rows are in the text now, and a chair's escalation can have tens of thousands: freed
    // before its notices' records are made. The notices go once those are made.
    planned.view = mail::NoticeEmailView{};
    mail::Message& message = email.message;
    message =
        message_for(snapshot.config, *inputs.clock, rendered, planned.to, keys_of(planned), now);
    message.cc = planned.cc;
    message.reply_to = coordinator_of(snapshot.directory);
    const std::string domain = domain_of(message.from);
    for (const auto& [review, action] : planned.actions) {
      if (message.references.size() == max_references) {
        break;
      }
      message.references.push_back(mail::thread_id_for(review, action, domain));
    }
    email.raw = mail::compose(message);
    email.composed_bytes = email.raw.size();
    email.notices = queued_notices(planned, message.message_id, now);
    planned.notices = {};
    email.planned = std::move(planned);
    if (alongside.finish) {
      alongside.finish(email);
    }
    return email;
  };
  // Declared after all the rendering reads: when on_email throws, the emails still being
  // rendered are waited for (each future's destructor) before any of it goes.
  std::deque<std::future<ComposedEmail>> in_flight;
  auto hand_over_oldest = [&] {
    auto& oldest = in_flight.front();
    // Not for an email rendered on this thread (deferred): it is rendered by get().
    while (alongside.meanwhile &&
           oldest.wait_for(std::chrono::seconds(0)) == std::future_status::timeout &&
           alongside.meanwhile()) {
    }
    ComposedEmail email = oldest.get();
    in_flight.pop_front();
    on_email(std::move(email));
  };

  ComposedPass result;
  result.notice_window = plan.notice_window;
  for (auto& planned : plan.emails) {
    policy::add_notice_rows(planned, snapshot);
    add_update_links(planned, snapshot, additions.update_links);
    if (auto* digest = std::get_if<mail::DigestView>(&planned.view); digest && additions.digest) {
      additions.digest(*digest);
    }
    std::vector<std::int64_t> tells;
    if (auto* view = std::get_if<mail::NoticeEmailView>(&planned.view);
        view != nullptr && additions.decisions &&
        planned.recipient.kind == policy::Recipient::Kind::agency &&
        templates.tells_decisions(planned.kind)) {
      AgencyDecisions decisions = additions.decisions(planned.recipient.id);
      view->decisions = std::move(decisions.views);
      tells = std::move(decisions.ids);
    }
    in_flight.push_back(std::async(launch, render, std::move(planned), std::move(tells)));
    planned = policy::PlannedEmail{};  // its view can be large: the render's copy is freed after
    if (in_flight.size() >= most_in_flight) {
      hand_over_oldest();
    }
  }
  while (!in_flight.empty()) {
    hand_over_oldest();
  }
  for (const auto& notice : plan.dropped) {
    result.dropped.push_back(dropped_notice(notice, now));
  }
  return result;
}

}  // namespace plan_reminder::service
