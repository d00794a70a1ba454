// The daemon's web surface (service/web_site.h): routes, health, and where it listens.
#include "service/web_site.h"

#include "service/systemd_protocol.h"
#include "service/web_pages.h"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

namespace plan_reminder::service {

namespace {

// /healthz and /metrics answer only on the listen address (SPEC §8): a request through the
// reverse proxy gets the same 404 as an unknown page.
template <typename Handler>
web::Handler local_only(Handler handler) {
  return [handler](const web::Request& request, const std::string& id) {
    if (request.forwarded) {
      return web::not_found();
    }
    return handler(request, id);
  };
}

web::Response plain(int status, std::string text) {
  web::Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(text) + "\n";
  return response;
}

}  // namespace

WebSite::WebSite(boost::asio::io_context& io, plan::WebSettings settings, web::Limits limits,
                 std::unique_ptr<WebPages> pages)
    : settings_(std::move(settings)),
      pages_(std::move(pages)),
      server_(io, limits, [this](const web::Request& request) { return respond(request); }) {
  add_routes();
}

void WebSite::add_routes() {
  router_.add("GET", "/healthz", local_only([this](const web::Request&, const std::string&) {
                return health(state().get());
              }));

  if (pages_) {
    pages_->add_routes(router_, [this] { return state(); });
  }
}

WebSite::WebSite(boost::asio::io_context& io, plan::WebSettings settings, web::Limits limits)
    : WebSite(io, std::move(settings), limits, nullptr) {}

WebSite::~WebSite() = default;

web::Response WebSite::respond(const web::Request& request) const {
  return router_.route(request);
}

web::Response WebSite::health(const SiteState* state) {
  if (state == nullptr || !state->deployment.snapshot) {
    return plain(503, "no deployment loaded");
  }
  if (!state->reload_problems.empty()) {
    auto count = state->reload_problems.size();
    return plain(503, "the last reload was refused (" + std::to_string(count) +
                          (count == 1 ? " problem" : " problems") +
                          "); the last good plans are in use");
  }
  if (state->following) {
    // Healthy as a stand-by: it serves the pages and takes the lead when the leader stops.
    return plain(200, "ok: following; " + *state->following);
  }
  if (!state->pass_report) {
    return plain(503, state->pass_started ? "the first pass is running" : "no pass has run yet");
  }
  if (state->pass_failed) {
    // The detail is in the journal: errors never show internals.
    return plain(503, "the last pass failed; the log says why");
  }
  const PassReport& report = *state->pass_report;
  if (report.troubled()) {
    return plain(503, "the last pass: " + report.summary());
  }
  return plain(200, "ok");
}

base::Result<void> WebSite::start() {
  auto sockets = systemd_listen_sockets();
  if (!sockets.empty()) {
    for (int fd : sockets) {
      if (auto adopted = server_.adopt(fd); !adopted) {
        return adopted;
      }
    }
    if (!settings_.listen.empty()) {
      spdlog::info("web: listening on the sockets systemd passed, not web.listen");
    }
  } else if (settings_.listen.empty()) {
    return base::Error{
        "web: no 'listen' address in the configuration, and no socket from systemd "
        "(plan-reminder.socket)"};
  } else {
    for (const auto& address : settings_.listen) {
      if (auto listening = server_.listen(address); !listening) {
        return listening;
      }
    }
  }
  server_.start();
  return {};
}

void WebSite::close() {
  server_.close();
}

void WebSite::publish(std::shared_ptr<const SiteState> state) {
  std::lock_guard lock(state_mutex_);
  state_ = std::move(state);
}

std::shared_ptr<const SiteState> WebSite::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

std::vector<boost::asio::ip::tcp::endpoint> WebSite::endpoints() const {
  return server_.endpoints();
}

std::vector<int> systemd_listen_sockets() {
  // The variables are unset: nothing the daemon starts (the SMTP relay) should think them its
  // own.
  std::vector<int> sockets;
  for (int fd : systemd_listen_fds()) {
    if (is_listening_stream_socket(fd)) {
      sockets.push_back(fd);
    } else {
      spdlog::warn("web: systemd passed descriptor {}, which is not a listening stream socket", fd);
    }
  }
  return sockets;
}

}  // namespace plan_reminder::service
