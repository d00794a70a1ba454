// Which handler answers a request: routes by method and path pattern, where a pattern may hold
// one `{id}` segment ("/agency/{id}", "/feeds/{id}.ics"). An unknown path is 404, a known path
// with the wrong method 405 with Allow, and HEAD is answered as GET (the server drops the body).
// Pure: no I/O, no Beast.
#pragma once

#include "web/http_types.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::web {

// The `{id}` part of the path that matched, or empty for a pattern without one.
using Handler = std::function<Response(const Request&, const std::string& id)>;

class Router {
 public:
  // `pattern` starts with '/'; at most one "{id}", which matches one non-empty segment (no '/').
  // A second route for the same method and pattern is a programming error (std::logic_error).
  void add(std::string method, std::string pattern, Handler handler);

  // The handler's response, or 404 / 405 pages. Handler exceptions pass through to the server.
  Response route(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string prefix;  // before "{id}", or the whole pattern
    std::string suffix;  // after "{id}"
    bool has_id = false;
    Handler handler;
  };
  static bool matches(const Route& route, std::string_view path, std::string& id);
  std::vector<Route> routes_;
};

// The plain pages the server answers itself; they never say more than the status.
Response not_found();
Response method_not_allowed(const std::string& allow);
Response plain_error(int status, std::string_view title);

}  // namespace plan_reminder::web
