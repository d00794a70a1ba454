// Benchmark: load + validate + agenda over a synthetic national corpus (generate_corpus.py),
// then a reload after one plan file changed. Prints wall times and peak resident memory.
//   plan-reminder-load-bench CORPUS/plan-reminder.yaml [--threads N]
#include "plan/snapshot.h"
#include "policy/agenda.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace plan_reminder;
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " CONFIG [--threads N]\n";
    return 64;
  }
  std::string config = argv[1];
  unsigned threads = 0;
  if (argc == 4 && std::strcmp(argv[2], "--threads") == 0) {
    threads = static_cast<unsigned>(std::stoul(argv[3]));
  }
  plan::SnapshotLoader loader(threads);

  auto start = std::chrono::steady_clock::now();
  plan::LoadResult cold = loader.load(config);
  double load_seconds = seconds_since(start);
  if (!cold.snapshot) {
    for (const auto& d : cold.diagnostics.items()) {
      std::cerr << d.to_string() << '\n';
    }
    return 65;
  }
  std::size_t milestones = 0;
  for (const auto& p : cold.snapshot->plans) {
    for (const auto& r : p->recommendations) {
      for (const auto& a : r.actions) {
        milestones += a.milestones.size();
      }
    }
  }
  auto agenda_start = std::chrono::steady_clock::now();
  policy::AgendaOptions options;
  options.as_of = date::year_month_day{date::year{2021}, date::month{6}, date::day{1}};
  auto items = policy::build_agenda(cold.snapshot->plans, options);
  double agenda_seconds = seconds_since(agenda_start);
  double cold_total = seconds_since(start);

  // One plan file edited: give it a new modification time, as a save in an editor would.
  const std::string& changed = cold.snapshot->plans.front()->file;
  std::filesystem::last_write_time(changed, std::filesystem::file_time_type::clock::now());
  auto reload_start = std::chrono::steady_clock::now();
  plan::LoadResult warm = loader.load(config);
  double reload_seconds = seconds_since(reload_start);

  std::printf("plans %zu, milestones %zu, agenda items %zu\n", cold.snapshot->plans.size(),
              milestones, items.size());
  std::printf("cold load+validate: %.3f s; agenda: %.3f s; cold total: %.3f s\n", load_seconds,
              agenda_seconds, cold_total);
  std::printf("reload after one file changed: %.1f ms (%zu file re-parsed)%s\n",
              reload_seconds * 1000, loader.parsed_last_time(), warm.snapshot ? "" : " FAILED");
  std::printf("peak resident memory: %.1f MB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
  return warm.snapshot ? 0 : 1;
}
