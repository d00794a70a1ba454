// The long-running service (SPEC §6 `run`, §7): one Asio io_context; a timer to the next send
// time or retry (no polling: the wall clock, or a test's clock moved by hand); signals through
// asio::signal_set (SIGHUP reloads, SIGTERM and SIGINT stop); a file watch that reloads on
// edits. A pass runs on a worker
// thread so that signals are handled while mail is being sent: a stop lets the message in
// flight finish and be recorded, then exits. Reloads are transactional: a bad edit keeps the
// last good deployment, logs every problem and tells the coordinator once per distinct set of
// problems. On a PostgreSQL state shared by instances on several machines (SPEC §10) only the
// one holding the lead runs passes; the others serve the web pages and try for the lead every
// few seconds, and a leader that loses it stops sending before its next message.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include "mail/transport.h"
#include "service/deployment.h"
#include "service/file_watch.h"
#include "service/pass.h"
#include "service/systemd_notify.h"
#include "service/wake_timer.h"
#include "service/web_site.h"
#include "store/state_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace plan_reminder::service {

class Daemon {
 public:
  struct Options {
    std::string config_file;
    // How long the file watch collects changes before one reload.
    std::chrono::milliseconds settle{300};
    // Makes the transport anew on a reload that changes its settings, and on SIGHUP (a new
    // password), so that a reload is refused when they cannot be used; unset keeps the first
    // transport for good.
    std::function<std::unique_ptr<mail::Transport>(const plan::Transport&, std::string&)>
        make_transport;
    // The web surface's bounds (when the config has a `web:` section); tests make them short.
    web::Limits web_limits;
    // How often a leader checks that it still leads and a follower tries for the lead (and
    // reads the accepted updates for its pages). The server ends a leader's session silent for
    // 15 s (store/postgresql), so a follower takes over within about 20 s of a leader's death
    // or pause, and at once after a clean stop. Tests make it short.
    std::chrono::milliseconds lead_check{5000};
  };

  // `loader` is the one that loaded `deployment`, so that reloads re-read only what changed.
  // `timer` says what time it is for the service and wakes it (the wall clock, or a test's).
  Daemon(boost::asio::io_context& io, WakeTimer& timer, Options options, DeploymentLoader loader,
         Deployment deployment, std::unique_ptr<store::StateStore> store,
         std::unique_ptr<mail::Transport> transport);
  ~Daemon();

  // Arms signals, the file watch, the web surface (a `web:` section) and the first pass (at
  // once: a catch-up after downtime). io.run() returns after SIGTERM or SIGINT, once the
  // message in flight is recorded. A web address that cannot be listened on throws
  // std::runtime_error naming it: the service cannot start as configured.
  void start();

  // The web surface, when the config has a `web:` section and start() ran (tests).
  const WebSite* web_site() const { return web_.get(); }

  // "1 plan; next pass Tue 3 Mar 2020 09:00; 0 queued": what systemd shows as the status.
  std::string status_line() const;

 private:
  void wait_for_signal();
  void schedule(date::sys_seconds at);
  void start_pass();
  // What a pass read of the accepted updates, and the plans it worked from with them in effect.
  struct UpdatesRead {
    std::vector<store::UpdateRecord> accepted;
    std::shared_ptr<const plan::Snapshot> snapshot;
  };
  // `updates`: none when the pass failed before reading them.
  void pass_finished(PassReport report, date::sys_seconds now, bool failed,
                     std::optional<UpdatesRead> updates);
  // The deployment with the accepted updates last read in effect, for the web pages.
  Deployment in_effect(const Deployment& deployment) const;
  // A follower's reading (worker thread): the accepted updates, with `plans` with them in
  // effect, when their ids are not `known`; none when unchanged or unreadable.
  std::optional<UpdatesRead> accepted_if_changed(const std::shared_ptr<const plan::Snapshot>& plans,
                                                 const std::vector<std::int64_t>& known);
  // Makes `updates` the ones the pages show (io thread).
  void take_updates(UpdatesRead updates);
  void start_web();
  void publish_site();
  void reload(const std::string& why);
  void stop(int signal);
  date::sys_seconds now() const;
  // The shared lead (a store whose pass lock is a lead): tries for it on the worker thread.
  void try_lead();
  void lead_taken(base::Result<std::unique_ptr<store::PassLock>> lock);
  void lead_lost(const std::string& why);
  // Every few seconds: the leader asks whether it still leads, a follower tries for the lead.
  void watch_lead();
  bool leading() const { return !store_->lock_is_lead() || lead_ != nullptr; }

  boost::asio::io_context& io_;
  WakeTimer& timer_;
  Options options_;
  Deployment deployment_;
  // Read by each pass, or by a follower as it tries for the lead (a decision may come from
  // another process); applied to the plans the pages show, on a reload as well.
  std::vector<store::UpdateRecord> accepted_;
  // With the web surface: the update links of the passes' emails.
  std::unique_ptr<UpdateLinks> update_links_;
  DeploymentLoader loader_;
  std::unique_ptr<store::StateStore> store_;
  std::unique_ptr<mail::Transport> transport_;
  SystemdNotifier systemd_;
  boost::asio::signal_set signals_;
  FileWatch watch_;
  boost::asio::thread_pool worker_{1};
  std::atomic<bool> stop_requested_{false};
  bool pass_running_ = false;
  bool reload_after_pass_ = false;
  bool remake_transport_ = false;  // SIGHUP: the next reload makes the transport anew
  std::optional<date::sys_seconds> next_pass_;
  std::atomic<std::size_t> queued_{0};
  // What the web pages read, changed on the io_context's thread and published whole.
  SiteState site_;
  std::unique_ptr<WebSite> web_;
  // The lead while this instance holds it (io thread; a pass keeps its own copy for its checks).
  std::shared_ptr<store::PassLock> lead_;
  bool trying_lead_ = false;
  std::string printable_state_;  // the state's location as it may be logged
  // The lead's watch runs on steady time: a session's liveness is real seconds, whatever clock
  // the passes run on.
  boost::asio::steady_timer lead_timer_;
};

}  // namespace plan_reminder::service
