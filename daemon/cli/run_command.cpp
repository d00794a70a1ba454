// `plan-reminder run`: the service. `--once` does one pass (as if at `--now`) and exits, for
// tests, cron and systemd timers; without it the process sleeps until the next send time or
// retry, runs a pass, and repeats, reloading on SIGHUP and stopping on SIGTERM or SIGINT.
#include "cli/commands.h"
#include "cli/common.h"
#include "service/local_time.h"
#include "service/pass.h"
#include "service/run_daemon.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace plan_reminder::cli {
namespace {

struct RunArguments {
  std::string config{default_config_path};
  bool once = false;
  std::string now;
};

date::sys_seconds system_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// How long `run --once` waits for another process's pass to finish before giving up (75).
constexpr std::chrono::seconds lock_wait{10};

void log_report(const service::PassReport& report, const policy::Clock& clock,
                date::sys_seconds now) {
  for (const auto& warning : report.warnings) {
    spdlog::warn("{}", warning);
  }
  for (const auto& error : report.errors) {
    spdlog::error("{}", error);
  }
  spdlog::info("pass at {}: {}", service::short_local_time(clock, now), report.summary());
}

// The time the pass runs as: --now, or the system clock's; nothing after logging what is wrong
// with --now.
std::optional<date::sys_seconds> now_or_report(const RunArguments& args,
                                               const plan::Config& config) {
  const date::sys_seconds now = system_now();
  if (args.now.empty()) {
    return now;
  }
  auto moment = parse_moment(args.now, policy::clock_for(config), config.policy.send_time);
  if (!moment) {
    spdlog::error(
        "run: --now expects YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (local time) or with Z or "
        "+HH:MM, or 'next', got '{}'",
        args.now);
  }
  return moment;
}

struct Service {
  service::Deployment deployment;
  std::unique_ptr<store::StateStore> store;
  std::unique_ptr<mail::Transport> transport;
};

// Opens the state database and the transport for a deployment; reports and returns the exit
// code on failure.
int open_service(const service::Deployment& deployment, bool daemon, Service& out) {
  const plan::Config& config = deployment.snapshot->config;
  try {
    out.store = store::StateStore::open(config.state);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return io_error;
  }
  std::string error;
  // The daemon delivers over SMTP through a child process per batch, to stay small between
  // send times; one pass does it in-process.
  out.transport = daemon ? mail::make_daemon_transport(config.transport, error)
                         : mail::make_transport(config.transport, error);
  if (!out.transport) {
    spdlog::error("{}", error);
    return config_error;
  }
  out.deployment = deployment;
  return ok;
}

int run_once(const RunArguments& args, const service::Deployment& deployment) {
  Service service;
  if (int code = open_service(deployment, false, service); code != ok) {
    return code;
  }
  policy::Clock clock = policy::clock_for(deployment.snapshot->config);
  auto moment = now_or_report(args, deployment.snapshot->config);
  if (!moment) {
    return usage;
  }
  const date::sys_seconds now = *moment;
  service::PassReport report;
  try {
    // One pass at a time on one state (a timer's pass and the service's, or one by hand):
    // two would both send what neither has yet marked sent.
    auto lock = service.store->lock_passes(lock_wait);
    if (!lock) {
      spdlog::error("{}; nothing done, try again once it has finished", lock.error().message);
      return temp_fail;
    }
    const auto applied = in_effect(deployment.snapshot, service.store.get());
    service::PassRunner runner(*applied.snapshot, *deployment.templates, *service.store,
                               *service.transport);
    // A secret that cannot be read must not stop the reminders: they go without their links.
    auto links = service::UpdateLinks::for_config(deployment.snapshot->config);
    if (!links) {
      spdlog::error("web: {}; the emails of this pass go without their update links",
                    links.error().message);
    } else {
      runner.set_update_links(links->get());
    }
    report = runner.run(now);
  } catch (const std::exception& error) {
    spdlog::error("pass at {} failed: {}", service::short_local_time(clock, now), error.what());
    return io_error;
  }
  log_report(report, clock, now);
  // Exit 69 (SPEC §5) when anything failed or waits for a retry, so a timer or cron sees it.
  return report.troubled() ? unavailable : ok;
}

int run_daemon(const RunArguments& args) {
  // Before the plan loader starts its threads.
  service::block_daemon_signals();

  service::DeploymentLoader loader;
  service::DeploymentLoad load = loader.load(args.config);
  if (!load.deployment) {
    // Through the log, so that under journald these carry the error priority.
    for (const auto& line : load.diagnostics.lines()) {
      spdlog::error("{}", line);
    }
    spdlog::error("not started: fix the problems above (see 'plan-reminder check')");
    return exit_code_for(load.diagnostics);
  }
  Service service;
  if (int code = open_service(*load.deployment, true, service); code != ok) {
    return code;
  }
  service::Daemon::Options options;
  options.config_file = args.config;
  options.make_transport = mail::make_daemon_transport;
  auto moment = now_or_report(args, load.deployment->snapshot->config);
  if (!moment) {
    return usage;
  }
  const std::chrono::seconds offset =
      args.now.empty() ? std::chrono::seconds(0) : *moment - system_now();
  service::run_daemon(std::move(options), offset, std::move(loader), std::move(service.deployment),
                      std::move(service.store), std::move(service.transport));
  spdlog::info("stopped");
  return ok;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "run", "Run the service: send reminders, notices, escalations and digests when due");
  auto args = std::make_shared<RunArguments>();
  add_config_option(command, args->config);
  command->add_flag("--once", args->once, "Do one pass and exit (for tests, cron and timers)");
  command->add_option("--now", args->now,
                      "Run as if the time were TIME: YYYY-MM-DD (at the send time), "
                      "YYYY-MM-DDTHH:MM[:SS] local, or with Z or +HH:MM, or 'next' (the next "
                      "send time on a business day). Without --once, time then runs on from "
                      "there (for rehearsals and tests)");
  return [args]() -> int {
    if (!args->once) {
      return run_daemon(*args);
    }
    return with_deployment(args->config, "run", [&](const service::Deployment& deployment) {
      return run_once(*args, deployment);
    });
  };
}

}  // namespace plan_reminder::cli
