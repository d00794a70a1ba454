// Composing a pass (see compose.h).
#include "service/compose.h"

#include "service/outbox_entry.h"

#include <utility>
#include <variant>

namespace plan_reminder::service {
namespace {

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

}  // namespace

ComposedPass compose_pass(const policy::PassInputs& inputs, const mail::Templates& templates,
                          date::sys_seconds now,
                          const std::function<void(ComposedEmail)>& on_email) {
  const plan::Snapshot& snapshot = *inputs.snapshot;
  policy::PassPlan plan = policy::plan_pass(inputs, now);

  ComposedPass result;
  result.notice_window = plan.notice_window;
  for (auto& planned : plan.emails) {
    ComposedEmail email;
    mail::RenderedEmail rendered =
        std::visit([&](const auto& view) { return templates.render(view); }, planned.view);
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
    email.notices = queued_notices(planned, message.message_id, now);
    email.planned = std::move(planned);
    on_email(std::move(email));
    planned = policy::PlannedEmail{};  // its view can be large: free it now
  }
  for (const auto& notice : plan.dropped) {
    result.dropped.push_back(dropped_notice(notice, now));
  }
  return result;
}

}  // namespace plan_reminder::service
