// /metrics (SPEC §8): the service's health and workload in Prometheus' text exposition format
// 0.0.4, for an operator's scraper. The caller fills a MetricsView from the deployment, the last
// pass and the state; rendering it reads nothing else.
#pragma once

#include "policy/agenda.h"
#include "store/state_store.h"

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::pages {

struct MetricsView {
  std::string version;  // plan_reminder_build_info{version="..."}
  // Every milestone of the loaded plans by its state today; a state not listed counts 0.
  std::map<policy::MilestoneState, std::int64_t> milestones;
  store::DeliveryCounts deliveries;            // the notification log and the outbox
  std::int64_t outbox_length = 0;              // messages queued, waiting to be sent or retried
  std::optional<date::sys_seconds> last_pass;  // when the last pass ran
  std::optional<std::chrono::milliseconds> last_pass_duration;
  std::int64_t plan_load_errors = 0;  // problems the last reload found (its plans were kept)
  std::int64_t updates_waiting = 0;   // agency updates for the coordinator (SPEC §9)
  // Whether this instance runs the passes: false while it follows another instance on a shared
  // PostgreSQL state (SPEC §10).
  bool leading = true;
};

// The agenda counted by state (for MetricsView::milestones).
std::map<policy::MilestoneState, std::int64_t> count_by_state(
    const std::vector<policy::AgendaItem>& agenda);

// The metrics page: `# HELP` and `# TYPE` once per metric, then its samples, one a line.
std::string render_metrics(const MetricsView& view);

}  // namespace plan_reminder::pages
