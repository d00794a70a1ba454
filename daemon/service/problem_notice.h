// The coordinator's "Plan files not loaded" email (SPEC §7): when a reload is refused, the
// coordinator is told of the problems, once per distinct set of problems, however often the
// same bad files are saved again or a SIGHUP asks for them.
#pragma once

#include "plan/diagnostics.h"
#include "service/deployment.h"
#include "store/state_store.h"

#include <date/date.h>

namespace plan_reminder::service {

// Queues the email (from the last good deployment, which the service goes on with) unless the
// coordinator was already told of exactly these problems.
void tell_coordinator_of_problems(store::StateStore& store, const Deployment& last_good,
                                  const plan::Diagnostics& problems, date::sys_seconds now);

// The files load again: problems that come back later are told again.
void forget_problems_told(store::StateStore& store);

}  // namespace plan_reminder::service
