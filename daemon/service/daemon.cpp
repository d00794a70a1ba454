#include "service/daemon.h"

#include "progress/effects.h"
#include "service/local_time.h"
#include "service/problem_notice.h"
#include "service/web_pages.h"

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <malloc.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <stdexcept>

namespace plan_reminder::service {
namespace {

namespace asio = boost::asio;

// On a stop, how long the message in flight may take before it is given up (the unit allows
// 30 s in all).
constexpr std::chrono::seconds stop_grace{20};

// Between send times the service wakes at most once an hour, to check on itself.
constexpr std::chrono::hours safety_check{1};

// How long a pass waits for another process's (a `run --once`) to finish before trying again
// a minute later.
constexpr std::chrono::seconds lock_wait{10};

std::string plans_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " plan" : " plans");
}

// The ids of `updates`, in order: what tells one reading of the accepted updates from another
// (an accepted update never changes; one superseded since is no longer accepted).
std::vector<std::int64_t> ids_of(const std::vector<store::UpdateRecord>& updates) {
  std::vector<std::int64_t> ids;
  ids.reserve(updates.size());
  for (const auto& update : updates) {
    ids.push_back(update.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

Daemon::Daemon(asio::io_context& io, WakeTimer& timer, Options options, DeploymentLoader loader,
               Deployment deployment, std::unique_ptr<store::StateStore> store,
               std::unique_ptr<mail::Transport> transport)
    : io_(io),
      timer_(timer),
      options_(std::move(options)),
      deployment_(std::move(deployment)),
      loader_(std::move(loader)),
      store_(std::move(store)),
      transport_(std::move(transport)),
      signals_(io, SIGTERM, SIGINT, SIGHUP),
      watch_(io, options_.settle, [this] { reload("a watched file changed"); }),
      printable_state_(store::printable_location(deployment_.snapshot->config.state)),
      lead_timer_(io) {}

Daemon::~Daemon() {
  worker_.join();
}

date::sys_seconds Daemon::now() const {
  return timer_.now();
}

void Daemon::start() {
  watch_.watch(watched_folders(deployment_.snapshot->config, deployment_.templates_folder));
  start_web();
  wait_for_signal();
  systemd_.watchdog();
  spdlog::info("plan-reminder started: {}, transport {}",
               plans_text(deployment_.snapshot->plans.size()), transport_->describe());
  if (store_->lock_is_lead()) {
    // The first pass runs as soon as this instance leads.
    try_lead();
    watch_lead();
  } else {
    // The first pass runs at once: it catches up on anything due while the service was down.
    schedule(now());
  }
  systemd_.ready(status_line());
}

void Daemon::try_lead() {
  if (trying_lead_ || lead_ || stop_requested_) {
    return;
  }
  trying_lead_ = true;
  auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
      io_.get_executor());
  // A follower runs no pass, so it reads the accepted updates here, for its pages: another
  // instance, or the coordinator page of either, may have accepted one since.
  asio::post(worker_, [this, guard, plans = deployment_.snapshot, known = ids_of(accepted_)] {
    std::optional<base::Result<std::unique_ptr<store::PassLock>>> lock;
    try {
      lock = store_->lock_passes(std::chrono::milliseconds(0));
    } catch (const std::exception& error) {
      lock = base::Error{error.what()};
    }
    std::optional<UpdatesRead> updates;
    if (!*lock) {
      updates = accepted_if_changed(plans, known);
    }
    asio::post(
        io_, [this, guard, plans, lock = std::move(lock), updates = std::move(updates)]() mutable {
          trying_lead_ = false;
          // Unless a reload replaced the plans meanwhile: the next try reads them again.
          if (updates && deployment_.snapshot == plans) {
            take_updates(std::move(*updates));
            publish_site();
          }
          lead_taken(std::move(*lock));
        });
  });
}

std::optional<Daemon::UpdatesRead> Daemon::accepted_if_changed(
    const std::shared_ptr<const plan::Snapshot>& plans, const std::vector<std::int64_t>& known) {
  try {
    auto accepted = store_->updates({store::UpdateState::accepted});
    if (ids_of(accepted) == known) {
      return std::nullopt;
    }
    auto applied = progress::apply_accepted(plans, accepted);
    return UpdatesRead{std::move(accepted), std::move(applied.snapshot)};
  } catch (const std::exception& error) {
    // The state is out of reach: the lead's message says so; the pages keep what they show.
    spdlog::debug("following: the accepted updates not read: {}", error.what());
    return std::nullopt;
  }
}

void Daemon::take_updates(UpdatesRead updates) {
  accepted_ = std::move(updates.accepted);
  site_.deployment = deployment_;
  site_.deployment.snapshot = std::move(updates.snapshot);
}

void Daemon::lead_taken(base::Result<std::unique_ptr<store::PassLock>> lock) {
  if (!lock) {
    // Told once, and again only when it changes (another holder, or the database down).
    if (site_.following != lock.error().message) {
      spdlog::info("{}; following", lock.error().message);
      site_.following = lock.error().message;
      publish_site();
    }
    return;
  }
  lead_ = std::move(*lock);
  if (stop_requested_) {
    lead_.reset();
    return;
  }
  spdlog::info("leading the passes on {}", printable_state_);
  site_.following.reset();
  publish_site();
  // A new leader catches up at once on what the last one left: queued mail, a missed send time.
  start_pass();
}

void Daemon::lead_lost(const std::string& why) {
  spdlog::warn("lost the lead on {}: {}; following", printable_state_, why);
  lead_.reset();
  site_.following = "lost the lead: " + why;
  publish_site();
}

void Daemon::watch_lead() {
  lead_timer_.expires_after(options_.lead_check);
  lead_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stop_requested_) {
      return;
    }
    // The service is alive whether it leads or follows (a follower runs no pass to say so).
    systemd_.watchdog();
    if (lead_) {
      if (auto why = lead_->lost()) {
        lead_lost(*why);
      }
    } else if (!pass_running_) {
      try_lead();
    }
    watch_lead();
  });
}

void Daemon::start_web() {
  const auto& settings = deployment_.snapshot->config.web;
  if (!settings) {
    if (auto sockets = systemd_listen_sockets(); !sockets.empty()) {
      spdlog::warn(
          "systemd passed {} web socket(s), but the configuration has no 'web:' "
          "section: nothing answers on them",
          sockets.size());
    }
    return;
  }
  site_.deployment = deployment_;
  if (auto created = web::LinkSecret::create_if_missing(*settings); !created) {
    throw std::runtime_error("web: " + created.error().message);
  } else if (*created) {
    spdlog::info("web: made a new link secret in {} (no file was there)", settings->secret_file);
  }
  auto secret = web::LinkSecret::load(*settings);
  if (!secret) {
    throw std::runtime_error("web: " + secret.error().message);
  }
  // The passes sign the update links of their emails with a key of their own (the pages have
  // theirs, on the io thread).
  auto links_secret = web::LinkSecret::load(*settings);
  if (!links_secret) {
    throw std::runtime_error("web: " + links_secret.error().message);
  }
  update_links_ = std::make_unique<UpdateLinks>(*settings, std::move(*links_secret));
  // The pages read the state on this thread through a connection of their own; the pass has
  // the daemon's, on the worker thread.
  auto pages = std::make_unique<WebPages>(
      *settings, std::move(*secret), store::StateStore::open(deployment_.snapshot->config.state),
      [this] { return now(); });
  web_ = std::make_unique<WebSite>(io_, *settings, options_.web_limits, std::move(pages));
  publish_site();
  if (auto started = web_->start(); !started) {
    throw std::runtime_error(started.error().message);
  }
}

void Daemon::publish_site() {
  if (web_) {
    web_->publish(std::make_shared<const SiteState>(site_));
  }
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) {
      return;
    }
    if (signal == SIGHUP) {
      // An explicit reload also re-reads the SMTP password, whose file is not watched.
      remake_transport_ = true;
      reload("SIGHUP");
      wait_for_signal();
    } else {
      stop(signal);
    }
  });
}

void Daemon::schedule(date::sys_seconds at) {
  date::sys_seconds now = this->now();
  next_pass_ = at;
  // One wake-up serves both the hourly safety check and systemd's watchdog.
  auto check_every =
      std::chrono::duration_cast<std::chrono::seconds>(std::min<std::chrono::microseconds>(
          safety_check, systemd_.watchdog_interval().value_or(safety_check)));
  date::sys_seconds wake = std::min(at, now + std::max(check_every, std::chrono::seconds(1)));
  timer_.wait_until(wake, [this](bool clock_changed) {
    if (clock_changed) {
      spdlog::info("the system clock was set; looking again at what is due");
    }
    // A pass is idempotent (each notice goes at most once), so after a clock change or a
    // safety check it simply runs and works out the next moment again.
    start_pass();
  });
}

void Daemon::start_pass() {
  if (pass_running_ || stop_requested_ || !leading()) {
    return;
  }
  systemd_.watchdog();
  pass_running_ = true;
  timer_.cancel();
  date::sys_seconds now = this->now();
  Deployment deployment = deployment_;
  site_.deployment = in_effect(deployment);
  site_.pass_started = now;
  publish_site();
  auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
      io_.get_executor());
  asio::post(worker_, [this, deployment, now, guard, lead = lead_] {
    PassReport report;
    bool failed = false;
    std::optional<UpdatesRead> updates;
    try {
      // One pass at a time on one state: the lead held between passes, or a file lock for
      // this pass (a `run --once`, by a timer or by hand, may be running).
      base::Result<std::unique_ptr<store::PassLock>> lock = std::unique_ptr<store::PassLock>();
      if (!lead) {
        lock = store_->lock_passes(lock_wait);
      }
      if (!lock) {
        report.warnings.push_back(lock.error().message + "; this pass waits a minute");
        report.next_retry = now + std::chrono::minutes(1);
      } else {
        auto accepted = store_->updates({store::UpdateState::accepted});
        auto applied = progress::apply_accepted(deployment.snapshot, accepted);
        updates = UpdatesRead{std::move(accepted), std::move(applied.snapshot)};
        PassRunner runner(*updates->snapshot, *deployment.templates, *store_, *transport_);
        // A leader that lost the lead sends nothing more: the claim of each message is fenced
        // too, and this stops it before the next.
        runner.set_stop_check(
            [this, &lead] { return stop_requested_.load() || (lead && lead->lost()); });
        runner.set_update_links(update_links_.get());
        report = runner.run(now);
        queued_ = store_->queued_count();
      }
    } catch (const std::exception& error) {
      spdlog::error("pass failed: {}", error.what());
      report.next_retry = now + std::chrono::minutes(1);
      failed = true;
    }
    asio::post(io_, [this, report, now, guard, failed, updates = std::move(updates)]() mutable {
      pass_finished(report, now, failed, std::move(updates));
    });
  });
}

Deployment Daemon::in_effect(const Deployment& deployment) const {
  Deployment out = deployment;
  if (!accepted_.empty()) {
    out.snapshot = progress::apply_accepted(deployment.snapshot, accepted_).snapshot;
  }
  return out;
}

void Daemon::pass_finished(PassReport report, date::sys_seconds now, bool failed,
                           std::optional<UpdatesRead> updates) {
  pass_running_ = false;
  if (lead_) {
    if (auto why = lead_->lost()) {
      lead_lost(*why);
    }
  }
  if (updates) {
    // A reload waits for the pass: the pass's plans are still the deployment's.
    take_updates(std::move(*updates));
  }
  site_.pass_finished = this->now();
  site_.pass_report = report;
  site_.pass_failed = failed;
  publish_site();
  for (const auto& warning : report.warnings) {
    spdlog::warn("{}", warning);
  }
  for (const auto& error : report.errors) {
    spdlog::error("{}", error);
  }
  if (report.queued + report.delivered + report.retrying + report.failed + report.dropped +
          report.refused >
      0) {
    spdlog::info("pass: {}", report.summary());
  }
  // The pass (and a reload before it) freed what it built: the agenda, the emails, the parsed
  // files. Hand those pages back to the system, from every malloc arena (the worker thread has
  // its own), rather than keep them resident until the next pass; so too the database's cache.
  store_->idle();
  ::malloc_trim(0);
  if (stop_requested_) {
    return;
  }
  if (reload_after_pass_) {
    reload_after_pass_ = false;
    reload("a change during the pass");
    return;
  }
  const plan::Config& config = deployment_.snapshot->config;
  // From the moment the pass started: a send time that came while it ran is due at once.
  date::sys_seconds next = policy::next_send_time(config.policy, policy::clock_for(config), now);
  if (report.next_retry && *report.next_retry < next) {
    next = std::max(*report.next_retry, now + std::chrono::seconds(1));
  }
  schedule(next);
  systemd_.status(status_line());
}

void Daemon::reload(const std::string& why) {
  if (stop_requested_) {
    return;
  }
  if (pass_running_) {
    spdlog::debug("reload ({}) waits for the pass in progress", why);
    reload_after_pass_ = true;
    return;
  }
  systemd_.reloading();
  DeploymentLoad load = loader_.load(options_.config_file);
  std::unique_ptr<mail::Transport> transport;
  if (load.deployment && options_.make_transport &&
      (remake_transport_ ||
       load.deployment->snapshot->config.transport != deployment_.snapshot->config.transport)) {
    remake_transport_ = false;
    // Settings or a password that cannot be used are refused like any bad edit.
    std::string error;
    transport = options_.make_transport(load.deployment->snapshot->config.transport, error);
    if (!transport) {
      load.diagnostics.add({options_.config_file, 0, 0, "", error, plan::FileKind::config});
      load.deployment.reset();
    }
  }
  if (load.deployment) {
    if (load.deployment->snapshot->config.web != deployment_.snapshot->config.web) {
      spdlog::warn("the 'web:' settings changed: they take effect when the service restarts");
    }
    deployment_ = std::move(*load.deployment);
    site_.reload_problems.clear();
    if (transport) {
      if (transport->describe() != transport_->describe()) {
        spdlog::info("transport now {}", transport->describe());
      }
      transport_ = std::move(transport);
    }
    watch_.watch(watched_folders(deployment_.snapshot->config, deployment_.templates_folder));
    forget_problems_told(*store_);
    spdlog::info("reloaded ({}): {}", why, plans_text(deployment_.snapshot->plans.size()));
  } else {
    for (const auto& line : load.diagnostics.lines()) {
      spdlog::error("{}", line);
    }
    spdlog::error("reload ({}) refused: {} {}; keeping the last good plans", why,
                  load.diagnostics.size(), load.diagnostics.size() == 1 ? "problem" : "problems");
    tell_coordinator_of_problems(*store_, deployment_, load.diagnostics, now());
    site_.reload_problems = load.diagnostics.lines();
  }
  publish_site();
  // What is due may have changed (a new plan, a new date, a problem notice): look now.
  start_pass();
  systemd_.ready(status_line());
}

void Daemon::stop(int signal) {
  spdlog::info("stopping on signal {}{}", signal,
               pass_running_ ? " after the message in flight" : "");
  systemd_.stopping();
  stop_requested_ = true;
  // The message in flight may finish within the grace; after it the transport gives it up
  // (the relay is killed) and it stays queued: the unit's TimeoutStopSec is 30 s.
  if (pass_running_) {
    transport_->interrupt(stop_grace);
  }
  timer_.cancel();
  lead_timer_.cancel();
  signals_.cancel();
  watch_.close();
  if (web_) {
    web_->close();
  }
}

std::string Daemon::status_line() const {
  std::string status = plans_text(deployment_.snapshot->plans.size());
  if (!leading()) {
    return status + "; following another instance";
  }
  if (next_pass_) {
    policy::Clock clock = policy::clock_for(deployment_.snapshot->config);
    status += "; next pass " + short_local_time(clock, *next_pass_);
  }
  status += "; " + std::to_string(queued_.load()) + " queued";
  return status;
}

}  // namespace plan_reminder::service
