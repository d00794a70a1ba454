// Composing a pass (SPEC §4): what the policy plans at `now`, rendered and composed into
// messages with the notices each carries. `run` stores them in the outbox; `preview` prints
// them and stores nothing, so that what it lists is what `run` sends.
#pragma once

#include "mail/message.h"
#include "mail/templates.h"
#include "policy/schedule.h"
#include "store/state_store.h"

#include <date/date.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace plan_reminder::service {

struct ComposedEmail {
  policy::PlannedEmail planned;  // its view and notices left empty: see message and notices
  mail::Message message;
  std::string raw;
  std::size_t composed_bytes = 0;  // raw's size as composed (a pass packs raw as it is stored)
  std::vector<store::NoticeRecord> notices;
  std::vector<std::int64_t> tells;  // the updates whose decision it tells its agency
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

// The coordinator's decisions an agency has not been told yet (SPEC §9), and their updates' ids.
struct AgencyDecisions {
  std::vector<mail::DecisionView> views;
  std::vector<std::int64_t> ids;
};
using DecisionsToTell = std::function<AgencyDecisions(const std::string& agency)>;

// What a pass's emails carry beyond the plans, from the state and the web surface; an empty
// member adds nothing (so `preview` and tests choose what they need).
struct PassAdditions {
  // Each notice email carries the update link of its agency, or an escalation one for each
  // lead agency of its milestones.
  UpdateLinkMaker update_links;
  DigestAdditions digest;
  // An agency's notice email tells it the decisions on its updates (ComposedEmail::tells).
  DecisionsToTell decisions;
};

// What the caller of compose_pass does alongside the composing; an empty member does nothing.
struct Alongside {
  // Runs on the thread that rendered the email, before it is handed over: work on one email
  // that can go in parallel with the others (a pass packs the text as the state keeps it).
  std::function<void(ComposedEmail&)> finish;
  // Called while the next email to hand over is still being rendered on another thread, again
  // until it returns false (nothing to do for now): a pass delivers what it has stored.
  std::function<bool()> meanwhile;
};

// What a pass at `now` would send, given the inputs of its planning: each email is composed
// and handed to `on_email` in turn, so that only one is held in memory at a time.
ComposedPass compose_pass(const policy::PassInputs& inputs, const mail::Templates& templates,
                          date::sys_seconds now, const std::function<void(ComposedEmail)>& on_email,
                          const PassAdditions& additions = {}, const Alongside& alongside = {});

}  // namespace plan_reminder::service
