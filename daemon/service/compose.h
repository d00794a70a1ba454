// Composing a pass (SPEC §4): what the policy plans at `now`, rendered and composed into
// messages with the notices each carries. `run` stores them in the outbox; `preview` prints
// them and stores nothing, so that what it lists is what `run` sends.
#pragma once

#include "mail/message.h"
#include "mail/templates.h"
#include "policy/schedule.h"
#include "store/state_store.h"

#include <date/date.h>

#include <functional>
#include <string>
#include <vector>

namespace plan_reminder::service {

struct ComposedEmail {
  policy::PlannedEmail planned;
  mail::Message message;
  std::string raw;
  std::vector<store::NoticeRecord> notices;
};

struct ComposedPass {
  bool notice_window = false;  // the pass was inside the notices' send window
  std::vector<store::NoticeRecord> dropped;
};

// The "Update these actions" link of one notice email for one lead agency (SPEC §9), given the
// agency's id and the email's Message-ID; without a `web:` section there is none.
using UpdateLinkMaker =
    std::function<std::string(const std::string& agency, const std::string& message_id)>;

// Adds to a digest what the state holds beyond the plans: the agencies' updates waiting for
// the coordinator, and the link to decide them (SPEC §9).
using DigestAdditions = std::function<void(mail::DigestView&)>;

// What a pass at `now` would send, given the inputs of its planning: each email is composed
// and handed to `on_email` in turn, so that only one is held in memory at a time. With
// `update_links`, each notice email carries the update link of its agency, or an escalation
// one for each lead agency of its milestones.
ComposedPass compose_pass(const policy::PassInputs& inputs, const mail::Templates& templates,
                          date::sys_seconds now, const std::function<void(ComposedEmail)>& on_email,
                          const UpdateLinkMaker& update_links = {},
                          const DigestAdditions& digest_additions = {});

}  // namespace plan_reminder::service
