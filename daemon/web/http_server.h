// The HTTP server of the web surface (SPEC §8), on the daemon's own io_context with Boost.Beast:
// one session object per connection (Beast's async server examples), every resource bounded
// (header and body size, connections, a deadline for a whole request, an idle keep-alive
// timeout) so that a slow or hostile client cannot hold the daemon or delay its passes. Every
// response carries the security headers, an ETag answered with 304, and is logged at debug
// level without its query string (tokens are secrets). Handler exceptions become a plain 500.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include "base/result.h"
#include "web/http_types.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::web {

// Every bound in one place, so that tests can make them small and short.
struct Limits {
  std::size_t header_bytes = std::size_t{8} * 1024;  // request line and headers
  std::size_t body_bytes = std::size_t{16} * 1024;
  std::size_t connections = 64;  // the next one is closed at once
  // From the connection (or the first byte of a kept-alive request) to the whole request read:
  // a client sending one byte a second is cut off.
  std::chrono::milliseconds read_deadline{10'000};
  std::chrono::milliseconds idle_timeout{30'000};  // kept alive, waiting for the next request
  std::chrono::milliseconds write_deadline{10'000};
};

// Cache-Control for everything unless a response names its own: pages carry data only their
// token-holder may see.
inline constexpr std::string_view default_cache_control = "no-store";

// Answers one request; may throw (the client then gets a plain 500, the log the detail).
using RequestHandler = std::function<Response(const Request&)>;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, Limits limits, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on "127.0.0.1:8025", "[::1]:8025" or "host:port" (every address the
  // name resolves to). Port 0 picks a free one (tests; see endpoints()).
  base::Result<void> listen(const std::string& address);
  // Takes over a listening socket that systemd passed (LISTEN_FDS).
  base::Result<void> adopt(int fd);
  // Where it listens, once listen() or adopt() succeeded.
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

  // Starts accepting on every socket.
  void start();
  // Closes the listening sockets and every open connection; the io_context then runs dry of
  // the server's work. Safe to call twice.
  void close();

  std::size_t open_connections() const;

  struct Shared;  // what sessions and acceptors share (http_server.cpp)

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<Shared> shared_;
};

// Parts of the server's work that are pure, exposed for tests.
// Percent-decodes a path or query component; `plus_is_space` for query strings. Fails on a
// broken escape or a decoded NUL.
base::Result<std::string> percent_decode(std::string_view text, bool plus_is_space);
// The names and values of a query string or an application/x-www-form-urlencoded body, decoded
// (the last of a repeated name); an error on a broken escape or a decoded NUL.
base::Result<std::map<std::string, std::string>> decode_form(std::string_view text);
// Whether an If-None-Match value ("\"a\", W/\"b\"" or "*") matches the entity tag `etag`
// (without quotes), by the weak comparison RFC 9110 §13.1.2 asks for.
bool etag_matches(std::string_view if_none_match, std::string_view etag);
// A stable entity tag for a body (the same bytes give the same tag across restarts).
std::string etag_of(std::string_view body);

}  // namespace plan_reminder::web
