// Routing by method and path pattern (daemon/web/router.h).
#include "web/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace plan_reminder::web {
namespace {

Response text(std::string body) {
  Response response;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

Router example_router() {
  Router router;
  router.add("GET", "/board", [](const Request&, const std::string&) { return text("board"); });
  router.add("GET", "/agency/{id}",
             [](const Request&, const std::string& id) { return text("agency " + id); });
  router.add("GET", "/feeds/{id}.ics",
             [](const Request&, const std::string& id) { return text("feed " + id); });
  router.add("POST", "/agency/{id}",
             [](const Request& r, const std::string& id) { return text(id + " got " + r.body); });
  return router;
}

// Tests that a fixed path reaches its handler.
TEST(Router, FixedPathReachesItsHandler) {
  auto response = example_router().route(request("GET", "/board"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "board");
}

// Tests that the {id} segment is handed to the handler, with a prefix and a suffix around it.
TEST(Router, IdSegmentIsPassedToTheHandler) {
  auto router = example_router();
  EXPECT_EQ(router.route(request("GET", "/agency/police")).body, "agency police");
  EXPECT_EQ(router.route(request("GET", "/feeds/police.ics")).body, "feed police");
  EXPECT_EQ(router.route(request("GET", "/feeds/board.ics")).body, "feed board");
}

// Tests that the method picks among routes of the same path.
TEST(Router, MethodPicksTheRoute) {
  auto post = request("POST", "/agency/police");
  post.body = "an update";
  EXPECT_EQ(example_router().route(post).body, "police got an update");
}

// Tests that unknown paths, empty ids and ids spanning segments are 404 "Page not found".
TEST(Router, UnknownPathsAreNotFound) {
  auto router = example_router();
  for (const char* path : {"/", "/boards", "/board/", "/agency/", "/agency/a/b", "/feeds/.ics",
                           "/feeds/police.ical", "/feeds/a/b.ics", "/agency"}) {
    auto response = router.route(request("GET", path));
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.body, "Page not found\n") << path;
  }
}

// Tests that a known path asked with a method it does not take is 405 and says which it takes.
TEST(Router, WrongMethodIsNotAllowedWithAllow) {
  auto router = example_router();
  auto response = router.route(request("DELETE", "/agency/police"));
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1U);
  EXPECT_EQ(response.headers[0], (Header{"Allow", "GET, HEAD, POST"}));
  auto board = router.route(request("POST", "/board"));
  EXPECT_EQ(board.status, 405);
  EXPECT_EQ(board.headers.at(0), (Header{"Allow", "GET, HEAD"}));
}

// Tests that HEAD is answered by the GET handler (the server leaves the body out).
TEST(Router, HeadIsServedAsGet) {
  auto response = example_router().route(request("HEAD", "/agency/police"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "agency police");
}

// Tests that patterns a route table should never hold are refused when added.
TEST(Router, BadPatternsAreProgrammingErrors) {
  Router router;
  auto handler = [](const Request&, const std::string&) { return Response{}; };
  EXPECT_THROW(router.add("GET", "board", handler), std::logic_error);
  EXPECT_THROW(router.add("GET", "/a/{id}/{id}", handler), std::logic_error);
  router.add("GET", "/a/{id}", handler);
  EXPECT_THROW(router.add("GET", "/a/{id}", handler), std::logic_error);
}

}  // namespace
}  // namespace plan_reminder::web
