// The daemon's web surface (daemon/service/web_site.h): /healthz from the published state, and
// only on the listen address.
#include "service/web_site.h"

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <thread>

namespace plan_reminder::service {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

SiteState healthy() {
  SiteState state;
  state.deployment.snapshot = std::make_shared<const plan::Snapshot>();
  state.pass_started = date::sys_seconds(std::chrono::seconds(1'583'225'200));
  state.pass_finished = state.pass_started;
  state.pass_report = PassReport{};
  return state;
}

// Tests that health is "ok" only after a pass succeeded on a loaded deployment, and says why
// not otherwise, in one line.
TEST(WebSiteHealth, OkOnlyAfterASuccessfulPass) {
  auto ok = WebSite::health(nullptr);
  EXPECT_EQ(ok.status, 503);
  EXPECT_EQ(ok.body, "no deployment loaded\n");

  auto state = healthy();
  EXPECT_EQ(WebSite::health(&state).status, 200);
  EXPECT_EQ(WebSite::health(&state).body, "ok\n");

  auto running = healthy();
  running.pass_report.reset();
  EXPECT_EQ(WebSite::health(&running).body, "the first pass is running\n");

  auto failed = healthy();
  failed.pass_failed = true;
  EXPECT_EQ(WebSite::health(&failed).status, 503);
  EXPECT_EQ(WebSite::health(&failed).body, "the last pass failed; the log says why\n");

  auto troubled = healthy();
  troubled.pass_report->retrying = 2;
  EXPECT_EQ(WebSite::health(&troubled).status, 503);
  EXPECT_EQ(WebSite::health(&troubled).body.rfind("the last pass: ", 0), 0U);

  auto refused = healthy();
  refused.reload_problems = {"plans/a.yaml:3:4: something"};
  EXPECT_EQ(WebSite::health(&refused).body,
            "the last reload was refused (1 problem); the last good plans are in use\n");
}

// Tests that an instance following another on a shared state is healthy though it runs no pass,
// and says whom it follows; a refused reload still makes it unhealthy.
TEST(WebSiteHealth, AFollowerIsHealthy) {
  auto following = healthy();
  following.pass_report.reset();
  following.pass_started.reset();
  following.following = "another plan-reminder (pid 7) leads the passes on postgresql://db/p";
  EXPECT_EQ(WebSite::health(&following).status, 200);
  EXPECT_EQ(WebSite::health(&following).body,
            "ok: following; another plan-reminder (pid 7) leads the passes on "
            "postgresql://db/p\n");

  following.reload_problems = {"plans/a.yaml:3:4: something"};
  EXPECT_EQ(WebSite::health(&following).status, 503);
}

std::string fetch(const tcp::endpoint& endpoint, const std::string& extra_headers) {
  asio::io_context client;
  tcp::socket socket(client);
  socket.connect(endpoint);
  std::string request =
      "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" + extra_headers + "\r\n";
  asio::write(socket, asio::buffer(request));
  std::string reply;
  boost::system::error_code error;
  asio::read(socket, asio::dynamic_buffer(reply), error);
  return reply;
}

// Tests that /healthz answers on the listen address with the published state, and a request
// through a reverse proxy gets 404.
TEST(WebSite, HealthzAnswersOnlyWithoutAProxy) {
  asio::io_context io;
  plan::WebSettings settings;
  settings.listen = {"127.0.0.1:0"};
  WebSite site(io, settings);
  site.publish(std::make_shared<const SiteState>(healthy()));
  ASSERT_TRUE(site.start());
  auto endpoint = site.endpoints().at(0);
  std::thread thread([&] { io.run(); });

  auto direct = fetch(endpoint, "");
  EXPECT_EQ(direct.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << direct;
  EXPECT_EQ(direct.substr(direct.size() - 3), "ok\n");
  auto proxied = fetch(endpoint, "X-Forwarded-For: 192.0.2.1\r\n");
  EXPECT_EQ(proxied.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0U) << proxied;

  SiteState failed = healthy();
  failed.pass_failed = true;
  site.publish(std::make_shared<const SiteState>(failed));
  auto unhealthy = fetch(endpoint, "");
  EXPECT_EQ(unhealthy.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0U) << unhealthy;

  asio::post(io, [&] { site.close(); });
  thread.join();
}

}  // namespace
}  // namespace plan_reminder::service
