// The daemon's web surface (SPEC §8): owns the HTTP server on the daemon's io_context, its
// routes, and the state the pages read. The state is published as an immutable SiteState
// swapped whole (the deployment the last pass used, when that pass started and finished, how
// it went, the last reload's problems), so that a request never waits for a pass, which runs
// on the worker thread, and a page never sees half of an update.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include "base/result.h"
#include "plan/config.h"
#include "service/deployment.h"
#include "service/pass.h"
#include "web/http_server.h"
#include "web/router.h"

#include <date/date.h>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::service {

class WebPages;

struct SiteState {
  Deployment deployment;  // the one the last pass used (at start: the one loaded)
  std::optional<date::sys_seconds> pass_started;   // the last pass's, none before the first
  std::optional<date::sys_seconds> pass_finished;  // set once that pass is over
  std::optional<PassReport> pass_report;           // how the last finished pass went
  bool pass_failed = false;  // the last pass stopped short on an exception (in the log)
  // The last reload's problems, one line each; empty when it succeeded (the deployment above
  // is then the newest).
  std::vector<std::string> reload_problems;
  // While another instance leads the passes on the shared PostgreSQL state: who (the lock's
  // message). This one then serves the pages and runs no pass.
  std::optional<std::string> following;
};

// Cache-Control for the calendar feeds: a calendar may keep a copy for five minutes and then
// asks again with If-None-Match (304 while nothing changed). Private: the URL carries a token,
// so no shared cache may keep it. Pages keep the server's `no-store`.
inline constexpr std::string_view feed_cache_control = "private, max-age=300";

class WebSite {
 public:
  // `pages` serves the board, agency pages, feeds and metrics; without it only /healthz
  // answers (tests of the shell).
  WebSite(boost::asio::io_context& io, plan::WebSettings settings, web::Limits limits,
          std::unique_ptr<WebPages> pages);
  WebSite(boost::asio::io_context& io, plan::WebSettings settings, web::Limits limits = {});
  ~WebSite();

  // Listens on the sockets systemd passed (plan-reminder.socket) when there are any, else on
  // `web.listen`; starts accepting. An address that cannot be used is an error naming it.
  base::Result<void> start();
  // Closes the listening sockets and every connection.
  void close();

  // What the pages read from now on. Called on the io_context's thread by the daemon.
  void publish(std::shared_ptr<const SiteState> state);
  std::shared_ptr<const SiteState> state() const;

  // Where it listens (tests).
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

  // /healthz: 200 "ok" when the last pass succeeded on a loaded deployment and the last
  // reload was accepted; 503 with a one-line reason otherwise.
  static web::Response health(const SiteState* state);

 private:
  void add_routes();
  web::Response respond(const web::Request& request) const;

  plan::WebSettings settings_;
  std::unique_ptr<WebPages> pages_;
  web::Router router_;
  web::HttpServer server_;
  mutable std::mutex state_mutex_;
  std::shared_ptr<const SiteState> state_;
};

// The sockets systemd passed (LISTEN_FDS), taken over once: none outside socket activation.
std::vector<int> systemd_listen_sockets();

}  // namespace plan_reminder::service
