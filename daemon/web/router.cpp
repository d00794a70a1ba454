// Routing by method and path pattern (web/router.h).
#include "web/router.h"

#include <stdexcept>

namespace plan_reminder::web {

namespace {

constexpr std::string_view id_marker = "{id}";

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::logic_error("web::Router: a pattern starts with '/': " + pattern);
  }
  Route route{std::move(method), pattern, "", false, std::move(handler)};
  if (auto at = pattern.find(id_marker); at != std::string::npos) {
    route.prefix = pattern.substr(0, at);
    route.suffix = pattern.substr(at + id_marker.size());
    route.has_id = true;
    if (route.suffix.find(id_marker) != std::string::npos) {
      throw std::logic_error("web::Router: at most one {id} in " + pattern);
    }
  }
  for (const auto& other : routes_) {
    if (other.method == route.method && other.prefix == route.prefix &&
        other.suffix == route.suffix && other.has_id == route.has_id) {
      throw std::logic_error("web::Router: a second route for " + route.method + " " + pattern);
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::matches(const Route& route, std::string_view path, std::string& id) {
  if (!route.has_id) {
    return path == route.prefix;
  }
  if (path.size() <= route.prefix.size() + route.suffix.size() || !path.starts_with(route.prefix) ||
      !path.ends_with(route.suffix)) {
    return false;
  }
  auto middle =
      path.substr(route.prefix.size(), path.size() - route.prefix.size() - route.suffix.size());
  if (middle.find('/') != std::string_view::npos) {
    return false;
  }
  id = std::string(middle);
  return true;
}

Response Router::route(const Request& request) const {
  // HEAD is GET without a body (RFC 9110 §9.3.2); the server leaves the body out.
  const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
  std::string allow;
  for (const auto& route : routes_) {
    std::string id;
    if (!matches(route, request.path, id)) {
      continue;
    }
    if (route.method == method) {
      return route.handler(request, id);
    }
    if (allow.find(route.method) == std::string::npos) {
      allow += allow.empty() ? route.method : ", " + route.method;
      if (route.method == "GET") {
        allow += ", HEAD";
      }
    }
  }
  if (!allow.empty()) {
    return method_not_allowed(allow);
  }
  return not_found();
}

Response plain_error(int status, std::string_view title) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(title) + "\n";
  return response;
}

Response not_found() {
  return plain_error(404, "Page not found");
}

Response method_not_allowed(const std::string& allow) {
  auto response = plain_error(405, "Method not allowed");
  response.headers.push_back({"Allow", allow});
  return response;
}

}  // namespace plan_reminder::web
