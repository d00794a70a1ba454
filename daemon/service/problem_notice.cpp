#include "service/problem_notice.h"

#include "service/outbox_entry.h"

#include <functional>
#include <string>

namespace plan_reminder::service {
namespace {

// The fingerprint of the problems the coordinator was last told of ("" once the files load).
const char* const problems_setting = "reload_problems";

std::size_t fingerprint(const plan::Diagnostics& diagnostics) {
  std::string all;
  for (const auto& line : diagnostics.lines()) {
    all += line;
    all += '\n';
  }
  return std::hash<std::string>{}(all);
}

}  // namespace

void tell_coordinator_of_problems(store::StateStore& store, const Deployment& last_good,
                                  const plan::Diagnostics& problems, date::sys_seconds now) {
  std::string print = std::to_string(fingerprint(problems));
  if (store.setting(problems_setting) == print) {
    return;  // the coordinator already knows about exactly these problems
  }
  store.set_setting(problems_setting, print);
  const plan::Snapshot& snapshot = *last_good.snapshot;
  policy::Clock clock = policy::clock_for(snapshot.config);
  mail::ProblemView view;
  view.partnership = snapshot.directory.partnership;
  view.since = clock.zone.local_time(now);
  // The same capped lines as `check` and the log: a flood of mistakes makes a short email.
  view.problems = problems.lines();
  std::string key = "problem/" + std::to_string(now.time_since_epoch().count()) + "/" + print;
  enqueue_for_coordinator(store, snapshot, clock, mail::EmailKind::problem,
                          last_good.templates->render(view), key, {}, now);
}

void forget_problems_told(store::StateStore& store) {
  store.set_setting(problems_setting, "");
}

}  // namespace plan_reminder::service
