// What a web handler sees and returns: a request already parsed, bounded and decoded by the
// HTTP server (web/http_server.*), and the response it turns back into HTTP. Plain values with
// no Beast or Asio in them, so that pages/ and the route handlers stay free of the transport.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace plan_reminder::web {

struct Request {
  std::string method;  // "GET", "HEAD", "POST"… as sent (HEAD is routed as GET)
  std::string path;    // percent-decoded, without the query string: "/agency/police"
  std::map<std::string, std::string> query;  // decoded parameters; the last of a repeated name
  std::string if_none_match;                 // the If-None-Match header as sent, or empty
  // Forwarded, X-Forwarded-For or X-Real-IP present: the request came through a reverse proxy,
  // so /healthz and /metrics (listen address only, SPEC §8) do not answer it.
  bool forwarded = false;
  std::string content_type;  // the Content-Type header as sent (a POST's body)
  std::string body;
};

struct Header {
  std::string name;
  std::string value;
  friend bool operator==(const Header&, const Header&) = default;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  // Instead of `body`, when set: a body the caller keeps and gives again (a kept page or feed),
  // sent without a copy.
  std::shared_ptr<const std::string> shared_body;
  // Added after the server's own (security headers, Content-Type, Content-Length, ETag); a
  // header named here replaces the server's default of the same name (e.g. Cache-Control).
  std::vector<Header> headers;
  // A strong validator without quotes ("abc123"), or empty: the server then computes one from
  // the body for a GET 200. A matching If-None-Match is answered 304 with no body.
  std::string etag;
};

}  // namespace plan_reminder::web
