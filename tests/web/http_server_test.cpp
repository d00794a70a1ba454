// The HTTP server (daemon/web/http_server.h) on 127.0.0.1, an ephemeral port, in the test's own
// io_context (run on a thread of the test): limits, headers, ETags, HEAD, errors, logging and
// shutdown. Clients are plain blocking sockets, or asynchronous ones on the same io_context
// where their timing is what is tested; nothing sleeps: tests wait for events.
#include "web/http_server.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <future>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace plan_reminder::web {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Longest any test waits for an event that should come at once: a bound against hanging,
// not a timing the tests rely on.
constexpr auto patience = 10s;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string raw;
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

Reply parse_reply(std::string raw) {
  Reply reply;
  reply.raw = raw;
  auto end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) {
    return reply;
  }
  reply.status = std::stoi(raw.substr(9, 3));
  std::istringstream lines(raw.substr(0, end));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 2);
    if (!value.empty() && value.back() == '\r') {
      value.pop_back();
    }
    reply.headers[name] = value;
  }
  reply.body = raw.substr(end + 4);
  return reply;
}

Response echo(const Request& request) {
  if (request.path == "/throw") {
    throw std::runtime_error("the database at /var/lib/secret.db is locked");
  }
  Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = request.method + " " + request.path;
  for (const auto& [name, value] : request.query) {
    response.body += " " + name + "=" + value;
  }
  if (request.forwarded) {
    response.body += " (forwarded)";
  }
  if (!request.body.empty()) {
    response.body += " body=" + request.body;
  }
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(Limits limits = {}, RequestHandler handler = echo) {
    server_ = std::make_unique<HttpServer>(io_, limits, std::move(handler));
    auto listening = server_->listen("127.0.0.1:0");
    ASSERT_TRUE(listening) << listening.error().message;
    endpoint_ = server_->endpoints().at(0);
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override { stop(); }

  // Closes the server from its own thread; the io_context then runs dry and its thread ends.
  void stop() {
    if (!thread_.joinable()) {
      return;
    }
    asio::post(io_, [this] { server_->close(); });
    thread_.join();
  }

  // Runs `f` on the io_context's thread and returns its result.
  template <typename F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    EXPECT_EQ(result.wait_for(patience), std::future_status::ready);
    return result.get();
  }

  tcp::socket connect() {
    tcp::socket socket(client_io_);
    socket.connect(endpoint_);
    return socket;
  }

  // Sends `raw` and reads until the server closes the connection.
  Reply exchange(const std::string& raw) {
    auto socket = connect();
    asio::write(socket, asio::buffer(raw));
    return parse_reply(read_to_end(socket));
  }

  Reply get(const std::string& target, const std::string& extra_headers = "") {
    return exchange("GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" +
                    extra_headers + "\r\n");
  }

  static std::string read_to_end(tcp::socket& socket) {
    std::string data;
    boost::system::error_code error;
    asio::read(socket, asio::dynamic_buffer(data), error);
    return data;
  }

  // One keep-alive request on an open connection; reads exactly its response.
  static Reply keep_alive_get(tcp::socket& socket, const std::string& target) {
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
    asio::write(socket, asio::buffer(request));
    std::string data;
    asio::read_until(socket, asio::dynamic_buffer(data), "\r\n\r\n");
    auto reply = parse_reply(data);
    auto length = std::stoul(reply.header("content-length"));
    if (reply.body.size() < length) {
      asio::read(socket, asio::dynamic_buffer(data),
                 asio::transfer_exactly(length - reply.body.size()));
    }
    return parse_reply(data);
  }

  asio::io_context io_;
  asio::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  tcp::endpoint endpoint_;
  std::thread thread_;
};

// Tests that a plain GET reaches the handler with its path and query decoded.
TEST_F(HttpServerTest, GetReachesTheHandlerDecoded) {
  start();
  auto reply = get("/agency/police%20scotland?t=abc%2Bdef&page=2&q=a+b");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "GET /agency/police scotland page=2 q=a b t=abc+def");
  EXPECT_EQ(reply.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(reply.header("content-length"), std::to_string(reply.body.size()));
}

// Tests that a request through a reverse proxy is marked as forwarded, whichever header says so.
TEST_F(HttpServerTest, ProxyHeadersMarkTheRequestForwarded) {
  start();
  EXPECT_EQ(get("/healthz").body, "GET /healthz");
  EXPECT_EQ(get("/healthz", "X-Forwarded-For: 10.0.0.1\r\n").body, "GET /healthz (forwarded)");
  EXPECT_EQ(get("/healthz", "X-Real-IP: 10.0.0.1\r\n").body, "GET /healthz (forwarded)");
  EXPECT_EQ(get("/healthz", "Forwarded: for=10.0.0.1\r\n").body, "GET /healthz (forwarded)");
}

// Tests that every response, answers and errors alike, carries SPEC §8's security headers.
TEST_F(HttpServerTest, EveryResponseCarriesTheSecurityHeaders) {
  start();
  for (const auto& reply : {get("/board"), get("/throw"), get("/bad%zzpath")}) {
    EXPECT_EQ(reply.header("cache-control"), "no-store") << reply.raw;
    EXPECT_EQ(reply.header("referrer-policy"), "no-referrer") << reply.raw;
    EXPECT_EQ(reply.header("x-content-type-options"), "nosniff") << reply.raw;
    EXPECT_EQ(reply.header("content-security-policy"),
              "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")
        << reply.raw;
    EXPECT_EQ(reply.header("server"), "") << reply.raw;
  }
}

// Tests that a handler can replace a default header, such as Cache-Control for a feed.
TEST_F(HttpServerTest, HandlerHeadersReplaceTheDefaults) {
  start({}, [](const Request&) {
    Response response;
    response.headers.push_back({"Cache-Control", "private, max-age=300"});
    return response;
  });
  EXPECT_EQ(get("/feeds/police.ics").header("cache-control"), "private, max-age=300");
}

// Tests that a request line and headers over the limit get 431.
TEST_F(HttpServerTest, OversizedHeaderIs431) {
  start();
  auto reply = get("/board", "X-Filler: " + std::string(9000, 'a') + "\r\n");
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(reply.body, "Request header fields too large\n");
  EXPECT_EQ(get("/" + std::string(9000, 'a')).status, 431);
}

// Tests that a body over the limit gets 413, announced or sent.
TEST_F(HttpServerTest, OversizedBodyIs413) {
  start();
  std::string body(17 * 1024, 'b');
  auto announced = exchange("POST /agency/police HTTP/1.1\r\nHost: test\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_EQ(announced.status, 413);
  auto chunked = exchange(
      "POST /agency/police HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n4400\r\n" +
      body + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.status, 413);
  auto small = exchange(
      "POST /agency/police HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: "
      "5\r\n\r\nhello");
  EXPECT_EQ(small.body, "POST /agency/police body=hello");
}

// Tests that with 64 connections open the 65th is closed at once, and served again once one
// of them has gone.
TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  start();
  std::vector<tcp::socket> open;
  for (int i = 0; i < 64; ++i) {
    open.push_back(connect());
    // A served request shows the session is open on the server.
    ASSERT_EQ(keep_alive_get(open.back(), "/board").status, 200);
  }
  EXPECT_EQ(on_io([this] { return server_->open_connections(); }), 64U);
  auto refused = get("/board");
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(refused.raw, "");
}

// Tests that a client sending one byte at a time, never finishing its request, is cut off at
// the read deadline, while a timer on the same io_context (the next pass) fires on time.
TEST_F(HttpServerTest, SlowClientIsCutOffAndTimersStillFireOnTime) {
  Limits limits;
  limits.read_deadline = 200ms;
  start(limits);

  struct SlowClient {
    tcp::socket socket;
    asio::steady_timer pace;
    std::string request =
        "GET /board HTTP/1.1\r\nHost: test\r\nX-Filler: " + std::string(1000, 'a') + "\r\n\r\n";
    std::size_t sent = 0;
    std::array<char, 64> in{};
    std::promise<std::chrono::steady_clock::duration> closed;
    std::chrono::steady_clock::time_point began = std::chrono::steady_clock::now();

    explicit SlowClient(asio::io_context& io) : socket(io), pace(io) {}
    void send_next() {
      asio::async_write(socket, asio::buffer(&request[sent++], 1),
                        [this](boost::system::error_code error, std::size_t) {
                          if (error) {
                            return;
                          }
                          pace.expires_after(20ms);
                          pace.async_wait([this](boost::system::error_code waited) {
                            if (!waited && sent < request.size()) {
                              send_next();
                            }
                          });
                        });
    }
  };
  auto client = std::make_shared<SlowClient>(io_);
  client->socket.connect(endpoint_);
  auto closed = client->closed.get_future();
  asio::steady_timer pass(io_);
  std::promise<std::chrono::steady_clock::duration> pass_ran;
  asio::post(io_, [&] {
    client->send_next();
    client->socket.async_read_some(
        asio::buffer(client->in), [client](boost::system::error_code, std::size_t) {
          client->pace.cancel();
          client->closed.set_value(std::chrono::steady_clock::now() - client->began);
        });
    pass.expires_after(100ms);
    pass.async_wait([&, due = std::chrono::steady_clock::now() + 100ms](boost::system::error_code) {
      pass_ran.set_value(std::chrono::steady_clock::now() - due);
    });
  });
  auto late = pass_ran.get_future();
  ASSERT_EQ(late.wait_for(patience), std::future_status::ready);
  EXPECT_LT(late.get(), 50ms) << "the timer fired late while a slow client was connected";
  ASSERT_EQ(closed.wait_for(patience), std::future_status::ready);
  auto cut_off_after = closed.get();
  EXPECT_GE(cut_off_after, 200ms);
  EXPECT_LT(cut_off_after, 2s) << "cut off long after the read deadline";
  EXPECT_LT(client->sent, client->request.size());
  on_io([&] {
    client->socket.close();
    return 0;
  });
}

// Tests that a GET 200 carries an ETag, and a matching If-None-Match gets 304 with no body.
TEST_F(HttpServerTest, MatchingIfNoneMatchGets304) {
  start();
  auto first = get("/feeds/police.ics");
  auto etag = first.header("etag");
  ASSERT_EQ(etag.size(), 18U) << first.raw;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(get("/feeds/police.ics").header("etag"), etag) << "the same body, the same tag";
  EXPECT_NE(get("/feeds/board.ics").header("etag"), etag);

  auto again = get("/feeds/police.ics", "If-None-Match: \"other\", " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(again.header("cache-control"), "no-store");
  EXPECT_EQ(get("/feeds/police.ics", "If-None-Match: W/" + etag + "\r\n").status, 304);
  EXPECT_EQ(get("/feeds/police.ics", "If-None-Match: \"other\"\r\n").status, 200);
}

// Tests that a handler's own ETag is used as given.
TEST_F(HttpServerTest, HandlerEtagIsUsed) {
  start({}, [](const Request&) {
    Response response;
    response.body = "calendar";
    response.etag = "v42";
    return response;
  });
  EXPECT_EQ(get("/feeds/police.ics").header("etag"), "\"v42\"");
  EXPECT_EQ(get("/feeds/police.ics", "If-None-Match: \"v42\"\r\n").status, 304);
}

// Tests that a body the handler keeps and shares (a kept page) is sent whole to every client,
// with the ETag of its bytes and its length, and that HEAD still sends none of it.
TEST_F(HttpServerTest, SharedBodyIsSentWhole) {
  auto kept = std::make_shared<const std::string>(std::string(300000, 'p') + "end");
  start({}, [kept](const Request&) {
    Response response;
    response.shared_body = kept;
    return response;
  });
  for (int i = 0; i < 2; ++i) {
    auto reply = get("/board");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, *kept);
    EXPECT_EQ(reply.header("etag"), "\"" + etag_of(*kept) + "\"");
  }
  auto head = exchange("HEAD /board HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.header("content-length"), std::to_string(kept->size()));
  EXPECT_EQ(head.body, "");
}

// Tests that HEAD gets GET's headers and length, and no body.
TEST_F(HttpServerTest, HeadHasNoBody) {
  start();
  auto reply = exchange("HEAD /board HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-length"), std::to_string(std::string("HEAD /board").size()));
  EXPECT_EQ(reply.body, "");
}

// Tests that a handler that throws gets a plain 500 that shows nothing of the exception.
TEST_F(HttpServerTest, HandlerExceptionIs500WithoutInternals) {
  start();
  auto reply = get("/throw");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body, "Something went wrong\n");
  EXPECT_EQ(reply.raw.find("secret"), std::string::npos);
  auto after = get("/board");
  EXPECT_EQ(after.status, 200) << "the server goes on serving";
}

// Tests that a target that does not decode is 400 without reaching the handler.
TEST_F(HttpServerTest, UndecodableTargetIs400) {
  start();
  EXPECT_EQ(get("/agency/%zz").status, 400);
  EXPECT_EQ(get("/agency/a%00b").status, 400);
  EXPECT_EQ(get("/board?t=%4").status, 400);
}

// Tests that requests are logged at debug level with method, path, status and size, never the
// query string (where tokens are).
TEST_F(HttpServerTest, RequestsAreLoggedWithoutTheQuery) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  start();
  get("/board?t=SECRET-TOKEN");
  get("/throw?t=SECRET-TOKEN");
  stop();
  spdlog::set_default_logger(previous);
  std::string text = log.str();
  EXPECT_NE(text.find("web: GET /board 200 "), std::string::npos) << text;
  EXPECT_NE(text.find("web: GET /throw 500 "), std::string::npos) << text;
  EXPECT_NE(text.find("[error] web: GET /throw: the database"), std::string::npos) << text;
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
}

// Tests that closing the server ends idle connections and accepting, so that the io_context
// runs dry without io.stop().
TEST_F(HttpServerTest, CloseEndsEverythingWithoutStop) {
  start();
  auto idle = connect();
  ASSERT_EQ(keep_alive_get(idle, "/board").status, 200);
  auto ran_dry = std::async(std::launch::async, [this] { stop(); });
  ASSERT_EQ(ran_dry.wait_for(patience), std::future_status::ready);
  EXPECT_EQ(read_to_end(idle), "") << "the idle connection was closed";
  EXPECT_THROW(connect(), boost::system::system_error);
}

// Tests that a listen address that cannot be used is an error naming it.
TEST_F(HttpServerTest, UnusableListenAddressesAreErrors) {
  HttpServer server(io_, {}, echo);
  auto bad = server.listen("127.0.0.1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("expected host:port"), std::string::npos);
  ASSERT_TRUE(server.listen("127.0.0.1:0"));
  auto port = std::to_string(server.endpoints().at(0).port());
  auto taken = server.listen("127.0.0.1:" + port);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().message, "web.listen 127.0.0.1:" + port +
                                       ": cannot listen on 127.0.0.1:" + port +
                                       ": Address already in use");
}

// Tests percent-decoding of paths and query strings.
TEST(PercentDecode, DecodesAndRefusesBrokenEscapes) {
  EXPECT_EQ(*percent_decode("a%20b%2Fc+d", false), "a b/c+d");
  EXPECT_EQ(*percent_decode("a+b%2B", true), "a b+");
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%g0", false));
  EXPECT_FALSE(percent_decode("a%00", false));
}

// Tests If-None-Match matching: lists, weak tags, the wildcard.
TEST(EtagMatches, FollowsWeakComparison) {
  EXPECT_TRUE(etag_matches("\"abc\"", "abc"));
  EXPECT_TRUE(etag_matches("\"x\" , W/\"abc\"", "abc"));
  EXPECT_TRUE(etag_matches("*", "abc"));
  EXPECT_FALSE(etag_matches("", "abc"));
  EXPECT_FALSE(etag_matches("abc", "abc"));
  EXPECT_FALSE(etag_matches("\"abcd\"", "abc"));
}

}  // namespace
}  // namespace plan_reminder::web
