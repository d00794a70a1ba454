// The HTTP server (web/http_server.h): acceptors, one Session per connection, the limits, the
// headers every response carries, and the request log.
#include "web/http_server.h"

#include "plan/config.h"
#include "web/router.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_set>

namespace plan_reminder::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view content_security_policy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// After an answer that ends the connection, what the client still sends is read and dropped for
// at most this long, so that closing does not reset the connection before it read the answer.
constexpr std::chrono::milliseconds linger{1'000};

// A failed accept (no file descriptors left) is retried after a pause, not in a tight loop.
constexpr std::chrono::milliseconds accept_retry{100};

class Session;

}  // namespace

struct HttpServer::Shared {
  Limits limits;
  RequestHandler handler;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unordered_set<Session*> sessions;  // open connections
  bool closed = false;
};

namespace {

// Beast 1.74 speaks boost::string_view.
std::string_view std_view(beast::string_view text) {
  return {text.data(), text.size()};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::map<std::string, std::string> decode_query(std::string_view text, bool& ok) {
  std::map<std::string, std::string> query;
  while (!text.empty()) {
    auto end = text.find('&');
    auto pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (pair.empty()) {
      continue;
    }
    auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = percent_decode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!name || !value) {
      ok = false;
      return {};
    }
    query[*name] = *value;
  }
  return query;
}

// The request as handlers see it; nullopt when its target cannot be decoded (400).
std::optional<Request> to_request(const http::request<http::string_body>& message) {
  std::string_view target = std_view(message.target());
  auto question = target.find('?');
  Request request;
  request.method = std::string(message.method_string());
  auto path = percent_decode(target.substr(0, question), false);
  if (!path) {
    return std::nullopt;
  }
  request.path = std::move(*path);
  bool ok = true;
  if (question != std::string_view::npos) {
    request.query = decode_query(target.substr(question + 1), ok);
  }
  if (!ok) {
    return std::nullopt;
  }
  request.if_none_match = std::string(message[http::field::if_none_match]);
  request.forwarded = message.find(http::field::forwarded) != message.end() ||
                      message.find("X-Forwarded-For") != message.end() ||
                      message.find("X-Real-IP") != message.end();
  request.content_type = std::string(message[http::field::content_type]);
  request.body = message.body();
  return request;
}

// The path for the log: as sent, without the query string (tokens are secrets).
std::string_view logged_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// The body is a view of a string the session holds until the response is written: a kept
// response's body is shared, not copied.
using HttpResponse = http::response<http::span_body<const char>>;
struct Outgoing {
  HttpResponse message;
  std::shared_ptr<const std::string> body;
};

// The Beast response for `response`: security headers, ETag and 304, HEAD without a body.
Outgoing to_http(Response response, const Request* request, unsigned version) {
  std::shared_ptr<const std::string> body =
      response.shared_body ? std::move(response.shared_body)
                           : std::make_shared<const std::string>(std::move(response.body));
  bool read_only = request != nullptr && (request->method == "GET" || request->method == "HEAD");
  if (read_only && response.status == 200 && response.etag.empty()) {
    response.etag = etag_of(*body);
  }
  HttpResponse message;
  message.version(version);
  message.set(http::field::cache_control, std::string(default_cache_control));
  message.set("Referrer-Policy", "no-referrer");
  message.set("Content-Security-Policy", std::string(content_security_policy));
  message.set("X-Content-Type-Options", "nosniff");
  if (!response.etag.empty()) {
    message.set(http::field::etag, "\"" + response.etag + "\"");
  }
  for (const auto& header : response.headers) {
    message.set(header.name, header.value);
  }
  if (read_only && response.status == 200 && !response.etag.empty() &&
      etag_matches(request->if_none_match, response.etag)) {
    message.result(http::status::not_modified);
    return {std::move(message), nullptr};
  }
  message.result(static_cast<unsigned>(response.status));
  message.set(http::field::content_type, response.content_type);
  message.content_length(body->size());
  if (request == nullptr || request->method != "HEAD") {
    message.body() = {body->data(), body->size()};
    return {std::move(message), std::move(body)};
  }
  return {std::move(message), nullptr};
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {}
  ~Session() { shared_->sessions.erase(this); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    shared_->sessions.insert(this);
    stream_.expires_after(shared_->limits.read_deadline);
    read_request();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.header_bytes));
    parser_->body_limit(shared_->limits.body_bytes);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_read(error);
                     });
  }

  void on_read(beast::error_code error) {
    started_ = std::chrono::steady_clock::now();
    if (error == http::error::end_of_stream || error == asio::error::operation_aborted ||
        shared_->closed) {
      close();
      return;
    }
    if (error == beast::error::timeout) {
      spdlog::debug("web: a request not read within {} ms: connection closed",
                    shared_->limits.read_deadline.count());
      close();
      return;
    }
    if (error == http::error::header_limit) {
      answer_error(431, "Request header fields too large");
      return;
    }
    if (error == http::error::body_limit) {
      answer_error(413, "Content too large");
      return;
    }
    if (error) {
      answer_error(400, "Bad request");
      return;
    }
    handle();
  }

  void answer_error(int status, std::string_view title) {
    auto& header = parser_->get();
    log_line_ = std::string(header.method_string()) + " " +
                std::string(logged_path(std_view(header.target())));
    keep_alive_ = false;
    write(to_http(plain_error(status, title), nullptr, 11));
  }

  void handle() {
    auto& message = parser_->get();
    log_line_ = std::string(message.method_string()) + " " +
                std::string(logged_path(std_view(message.target())));
    keep_alive_ = message.keep_alive();
    auto request = to_request(message);
    if (!request) {
      keep_alive_ = false;
      write(to_http(plain_error(400, "Bad request"), nullptr, message.version()));
      return;
    }
    Response response;
    try {
      response = shared_->handler(*request);
    } catch (const std::exception& e) {
      spdlog::error("web: {}: {}", log_line_, e.what());
      response = plain_error(500, "Something went wrong");
    } catch (...) {
      spdlog::error("web: {}: an unknown exception", log_line_);
      response = plain_error(500, "Something went wrong");
    }
    write(to_http(std::move(response), &*request, message.version()));
  }

  void write(Outgoing outgoing) {
    outgoing.message.keep_alive(keep_alive_);
    response_ = std::move(outgoing.message);
    response_body_ = std::move(outgoing.body);
    stream_.expires_after(shared_->limits.write_deadline);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
                        self->on_write(error, bytes);
                      });
  }

  void on_write(beast::error_code error, std::size_t bytes) {
    auto took =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_);
    spdlog::debug("web: {} {} {} B {:.1f} ms", log_line_, response_.result_int(), bytes,
                  took.count());
    if (error || shared_->closed) {
      close();
      return;
    }
    if (!keep_alive_) {
      linger_then_close();
      return;
    }
    wait_for_next_request();
  }

  // Kept alive: the idle timeout runs until the next request's first bytes, then the read
  // deadline for the whole of it.
  void wait_for_next_request() {
    if (buffer_.size() > 0) {
      stream_.expires_after(shared_->limits.read_deadline);
      read_request();
      return;
    }
    stream_.expires_after(shared_->limits.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(shared_->limits.header_bytes),
        [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
          if (error || self->shared_->closed) {
            self->close();
            return;
          }
          self->buffer_.commit(bytes);
          self->stream_.expires_after(self->shared_->limits.read_deadline);
          self->read_request();
        });
  }

  void linger_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min(linger, shared_->limits.read_deadline));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(drained_),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (error || self->shared_->closed) {
                                self->close();
                                return;
                              }
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpResponse response_;
  std::shared_ptr<const std::string> response_body_;  // what response_'s body views
  std::string log_line_;
  bool keep_alive_ = false;
  std::chrono::steady_clock::time_point started_;
  std::array<char, 1024> drained_{};
};

void accept(const std::shared_ptr<HttpServer::Shared>& shared, tcp::acceptor& acceptor) {
  acceptor.async_accept([shared, &acceptor](beast::error_code error, tcp::socket socket) {
    if (shared->closed || error == asio::error::operation_aborted) {
      return;
    }
    if (error) {
      spdlog::warn("web: cannot accept a connection: {}", error.message());
      auto timer = std::make_shared<asio::steady_timer>(acceptor.get_executor(), accept_retry);
      timer->async_wait([shared, &acceptor, timer](beast::error_code waited) {
        if (!waited && !shared->closed) {
          accept(shared, acceptor);
        }
      });
      return;
    }
    if (shared->sessions.size() >= shared->limits.connections) {
      spdlog::debug("web: {} connections open: one more closed at once", shared->sessions.size());
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), shared)->start();
    }
    accept(shared, acceptor);
  });
}

std::string describe(const tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, Limits limits, RequestHandler handler)
    : io_(io), shared_(std::make_shared<Shared>()) {
  shared_->limits = limits;
  shared_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
  close();
}

base::Result<void> HttpServer::listen(const std::string& address) {
  auto parsed = plan::parse_listen_address(address);
  if (!parsed) {
    return base::Error{"web.listen: " + parsed.error().message};
  }
  tcp::resolver resolver(io_);
  beast::error_code error;
  auto found = resolver.resolve(parsed->host, parsed->port,
                                tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error) {
    return base::Error{"web.listen " + address + ": cannot find " + parsed->host + ": " +
                       error.message()};
  }
  std::vector<tcp::endpoint> bound;
  for (const auto& entry : found) {
    auto endpoint = entry.endpoint();
    if (std::find(bound.begin(), bound.end(), endpoint) != bound.end()) {
      continue;
    }
    auto acceptor = std::make_unique<tcp::acceptor>(io_);
    auto failed = [&](const char* what) {
      return base::Error{"web.listen " + address + ": cannot " + what + " " + describe(endpoint) +
                         ": " + error.message()};
    };
    if (acceptor->open(endpoint.protocol(), error)) {
      return failed("open");
    }
    acceptor->set_option(asio::socket_base::reuse_address(true), error);
    if (endpoint.address().is_v6()) {
      acceptor->set_option(asio::ip::v6_only(true), error);
    }
    if (acceptor->bind(endpoint, error)) {
      return failed("listen on");
    }
    if (acceptor->listen(asio::socket_base::max_listen_connections, error)) {
      return failed("listen on");
    }
    bound.push_back(endpoint);
    shared_->acceptors.push_back(std::move(acceptor));
  }
  return {};
}

base::Result<void> HttpServer::adopt(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return base::Error{"web: the socket systemd passed (fd " + std::to_string(fd) +
                       ") cannot be used: " + std::strerror(errno)};
  }
  auto protocol = address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4();
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  beast::error_code error;
  if (acceptor->assign(protocol, fd, error)) {
    return base::Error{"web: the socket systemd passed (fd " + std::to_string(fd) +
                       ") cannot be used: " + error.message()};
  }
  shared_->acceptors.push_back(std::move(acceptor));
  return {};
}

std::vector<tcp::endpoint> HttpServer::endpoints() const {
  std::vector<tcp::endpoint> endpoints;
  for (const auto& acceptor : shared_->acceptors) {
    beast::error_code error;
    auto endpoint = acceptor->local_endpoint(error);
    if (!error) {
      endpoints.push_back(endpoint);
    }
  }
  return endpoints;
}

void HttpServer::start() {
  for (const auto& acceptor : shared_->acceptors) {
    spdlog::info("web: listening on {}", describe(acceptor->local_endpoint()));
    accept(shared_, *acceptor);
  }
}

void HttpServer::close() {
  if (shared_->closed) {
    return;
  }
  shared_->closed = true;
  for (const auto& acceptor : shared_->acceptors) {
    beast::error_code ignored;
    acceptor->close(ignored);
  }
  // Closing a session can end it, which removes it from the set: close from a copy.
  auto open = shared_->sessions;
  for (auto* session : open) {
    session->close();
  }
}

std::size_t HttpServer::open_connections() const {
  return shared_->sessions.size();
}

base::Result<std::map<std::string, std::string>> decode_form(std::string_view text) {
  bool ok = true;
  auto fields = decode_query(text, ok);
  if (!ok) {
    return base::Error{"not a form: a broken %-escape or a NUL"};
  }
  return fields;
}

base::Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return base::Error{"a '%' not followed by two hexadecimal digits"};
      }
      c = static_cast<char>(high * 16 + low);
      if (c == '\0') {
        return base::Error{"an encoded NUL"};
      }
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    decoded.push_back(c);
  }
  return decoded;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    auto item = if_none_match.substr(0, comma);
    if_none_match =
        comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
      item.remove_prefix(1);
    }
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
      item.remove_suffix(1);
    }
    if (item == "*") {
      return true;
    }
    if (item.starts_with("W/")) {
      item.remove_prefix(2);
    }
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"' &&
        item.substr(1, item.size() - 2) == etag) {
      return true;
    }
  }
  return false;
}

std::string etag_of(std::string_view body) {
  // FNV-1a, 64 bits: stable across restarts and builds, unlike std::hash.
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char byte : body) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  std::array<char, 17> text{};
  std::snprintf(text.data(), text.size(), "%016llx", static_cast<unsigned long long>(hash));
  return std::string(text.data(), 16);
}

}  // namespace plan_reminder::web
