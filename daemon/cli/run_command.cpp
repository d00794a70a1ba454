// `plan-reminder run`: the service. `--once` does one pass (as if at `--now`) and exits, for
// tests, cron and systemd timers; without it the process sleeps until the next send time or
// retry, runs a pass, and repeats, reloading on SIGHUP and stopping on SIGTERM or SIGINT.
#include "cli/commands.h"
#include "cli/common.h"
#include "service/pass.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <ctime>
#include <iostream>
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

void log_report(const service::PassReport& report, date::sys_seconds now) {
  spdlog::info("pass at {}: {} queued, {} delivered, {} to retry, {} failed, {} stale dropped",
               date::format("%FT%TZ", now), report.queued, report.delivered, report.retrying,
               report.failed, report.dropped);
}

struct Service {
  service::Deployment deployment;
  std::unique_ptr<store::StateStore> store;
  std::unique_ptr<mail::Transport> transport;
};

// Opens the state database and the transport for a deployment; reports and returns the exit
// code on failure.
int open_service(const service::Deployment& deployment, Service& out) {
  const plan::Config& config = deployment.snapshot->config;
  try {
    out.store = store::StateStore::open(config.state);
  } catch (const std::exception& error) {
    std::cerr << "plan-reminder run: " << error.what() << '\n';
    return io_error;
  }
  std::string error;
  out.transport = mail::make_transport(config.transport, error);
  if (!out.transport) {
    std::cerr << "plan-reminder run: " << error << '\n';
    return config_error;
  }
  out.deployment = deployment;
  return ok;
}

int run_once(const RunArguments& args, const service::Deployment& deployment) {
  Service service;
  if (int code = open_service(deployment, service); code != ok) {
    return code;
  }
  policy::Clock clock = policy::clock_for(deployment.snapshot->config);
  date::sys_seconds now = system_now();
  if (!args.now.empty()) {
    auto moment = parse_moment(args.now, clock, deployment.snapshot->config.policy.send_time);
    if (!moment) {
      std::cerr << "plan-reminder run: --now expects YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time) "
                   "or YYYY-MM-DDTHH:MMZ, got '"
                << args.now << "'\n";
      return usage;
    }
    now = *moment;
  }
  service::PassRunner runner(*deployment.snapshot, *deployment.templates, *service.store,
                             *service.transport);
  service::PassReport report = runner.run(now);
  log_report(report, now);
  return report.retrying > 0 ? unavailable : ok;
}

// Waits for SIGTERM, SIGINT or SIGHUP (blocked, so they queue) until `deadline`; returns the
// signal, or 0 when the deadline came. Sleeps at most an hour at a time so that a wall-clock
// jump is noticed within the hour.
int wait_for_signal(const sigset_t& signals, date::sys_seconds deadline) {
  auto left = deadline - system_now();
  if (left <= std::chrono::seconds(0)) {
    return 0;
  }
  left = std::min<std::chrono::seconds>(left, std::chrono::hours(1));
  timespec timeout{static_cast<std::time_t>(left.count()), 0};
  int signal = ::sigtimedwait(&signals, nullptr, &timeout);
  return signal > 0 ? signal : 0;
}

int run_daemon(const RunArguments& args, service::Deployment deployment) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Service service;
  if (int code = open_service(deployment, service); code != ok) {
    return code;
  }
  service::DeploymentLoader loader;
  spdlog::info("plan-reminder started: {} plans, transport {}",
               service.deployment.snapshot->plans.size(), service.transport->describe());
  while (true) {
    const plan::Snapshot& snapshot = *service.deployment.snapshot;
    policy::Clock clock = policy::clock_for(snapshot.config);
    service::PassRunner runner(snapshot, *service.deployment.templates, *service.store,
                               *service.transport);
    date::sys_seconds now = system_now();
    service::PassReport report = runner.run(now);
    if (report.queued + report.delivered + report.retrying + report.failed > 0) {
      log_report(report, now);
    }
    date::sys_seconds next = policy::next_send_time(snapshot.config.policy, clock, now);
    if (report.next_retry && *report.next_retry < next) {
      next = std::max(*report.next_retry, now + std::chrono::seconds(1));
    }
    spdlog::debug("next pass at {}", date::format("%FT%TZ", next));
    int signal = 0;
    while ((signal = wait_for_signal(signals, next)) == 0 && system_now() < next) {
    }
    if (signal == SIGTERM || signal == SIGINT) {
      spdlog::info("stopping on signal {}", signal);
      return ok;
    }
    if (signal == SIGHUP) {
      service::DeploymentLoad load = loader.load(args.config);
      if (load.deployment) {
        service.deployment = *load.deployment;
        spdlog::info("reloaded: {} plans", service.deployment.snapshot->plans.size());
      } else {
        for (const auto& diagnostic : load.diagnostics.items()) {
          spdlog::error("{}", diagnostic.to_string());
        }
        spdlog::error("reload refused: keeping the last good plans");
      }
    }
  }
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "run", "Run the service: send reminders, notices, escalations and digests when due");
  auto args = std::make_shared<RunArguments>();
  command->add_option("-c,--config", args->config, "The daemon configuration file")
      ->capture_default_str();
  command->add_flag("--once", args->once, "Do one pass and exit (for tests, cron and timers)");
  command
      ->add_option("--now", args->now,
                   "With --once: run as if at this time: YYYY-MM-DD (at the send time), "
                   "YYYY-MM-DDTHH:MM local, or with Z or +HH:MM")
      ->needs("--once");
  return [args]() -> int {
    int code = ok;
    auto deployment = load_or_report(args->config, "run", code);
    if (!deployment) {
      return code;
    }
    return args->once ? run_once(*args, *deployment) : run_daemon(*args, *deployment);
  };
}

}  // namespace plan_reminder::cli
