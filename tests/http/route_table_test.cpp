// HttpServer serving a small route table of its own over loopback: what the table says is
// what the server does (access before the handler, bodies, 405 with Allow, streams).
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/loopback.h"
#include "reviewbot/http/server.h"

using namespace reviewbot;
using nlohmann::json;

namespace {

constexpr const char* kToken = "table-token";

struct TableServer {
  explicit TableServer(http::Routes routes) {
    http::ServerSettings s = testing::loopback_settings(4, kToken);
    s.max_body_bytes = 1024;
    server = std::make_unique<http::HttpServer>(s, std::move(routes));
    REQUIRE(server->start().ok());
  }
  httplib::Client client() const { return testing::loopback_client(*server); }
  // The status of GET path; 0 when no answer came.
  int get_status(const std::string& path) const {
    auto res = client().Get(path);
    return res ? res->status : 0;
  }
  std::unique_ptr<http::HttpServer> server;
};

http::Reply text(std::string body) {
  http::Reply r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("a route's handler sees the method, path, query, headers and body", "[route]") {
  TableServer t({http::Route{http::Route::Method::kPost, "/echo", http::Access::kPublic, false,
                             [](const http::Request& req) {
                               return http::json_reply(
                                   200, {{"method", req.method},
                                         {"path", req.path},
                                         {"q", std::string(req.param("q").value_or("-"))},
                                         {"header", req.header("X-Thing")},
                                         {"body", req.body},
                                         {"draining", req.server.draining()}});
                             }}});
  auto res = t.client().Post("/echo?q=1&q=2", {{"x-thing", "abc"}}, "hello", "text/plain");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body) == json{{"method", "POST"},
                                       {"path", "/echo"},
                                       {"q", "1"},
                                       {"header", "abc"},
                                       {"body", "hello"},
                                       {"draining", false}});
}

TEST_CASE("an admin route refuses without the token before its handler runs", "[route]") {
  std::atomic<int> calls{0};
  TableServer t({http::Route{http::Route::Method::kPost, "/secret", http::Access::kAdmin, false,
                             [&calls](const http::Request&) {
                               ++calls;
                               return text("in");
                             }}});
  auto c = t.client();
  auto refused = c.Post("/secret", "x", "text/plain");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(calls == 0);
  auto wrong = c.Post("/secret", {{"Authorization", "Bearer nope"}}, "x", "text/plain");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto allowed =
      c.Post("/secret", {{"Authorization", std::string("Bearer ") + kToken}}, "x", "text/plain");
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
  CHECK(calls == 1);
}

TEST_CASE("methods come from the table: 405 lists every method a path has", "[route]") {
  const auto ok = [](const http::Request&) { return text("ok"); };
  TableServer t(
      {http::Route{http::Route::Method::kGet, "/both", http::Access::kPublic, false, ok},
       http::Route{http::Route::Method::kPost, "/both", http::Access::kPublic, false, ok},
       http::Route{http::Route::Method::kGet, "/read", http::Access::kPublic, false, ok}});
  auto c = t.client();
  auto get = c.Get("/both");
  REQUIRE(get);
  CHECK(get->status == 200);
  auto post = c.Post("/both", "", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 200);
  auto put = c.Put("/both", "", "text/plain");
  REQUIRE(put);
  CHECK(put->status == 405);
  CHECK(put->get_header_value("Allow") == "GET, HEAD, POST");
  auto post_read = c.Post("/read", "", "text/plain");
  REQUIRE(post_read);
  CHECK(post_read->status == 405);
  CHECK(post_read->get_header_value("Allow") == "GET, HEAD");
  auto missing = c.Get("/read/more");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("a path is matched exactly, never as a pattern", "[route]") {
  TableServer t({http::Route{http::Route::Method::kGet, "/a.b", http::Access::kPublic, false,
                             [](const http::Request&) { return text("dot"); }}});
  CHECK(t.get_status("/a.b") == 200);
  CHECK(t.get_status("/axb") == 404);
}

TEST_CASE("a streamed reply sends its body, then every chunk, and can abort", "[route]") {
  const auto streamed = [](int chunks, bool fail) {
    return [chunks, fail](const http::Request&) {
      http::Reply r = text("head;");
      auto left = std::make_shared<int>(chunks);
      r.stream = [left, fail]() -> core::Result<std::optional<std::string>> {
        if (*left == 0) {
          if (fail) return core::Error{"store went away"};
          return std::optional<std::string>();
        }
        return std::optional<std::string>("chunk" + std::to_string((*left)--) + ";");
      };
      return r;
    };
  };
  TableServer t({http::Route{http::Route::Method::kGet, "/all", http::Access::kPublic, false,
                             streamed(3, false)},
                 http::Route{http::Route::Method::kGet, "/cut", http::Access::kPublic, false,
                             streamed(1, true)}});
  auto c = t.client();
  auto all = c.Get("/all");
  REQUIRE(all);
  CHECK(all->status == 200);
  CHECK(all->body == "head;chunk3;chunk2;chunk1;");
  CHECK(all->get_header_value("Transfer-Encoding") == "chunked");
  // An aborted stream never ends its chunked body: the client sees a failed read.
  auto cut = c.Get("/cut");
  CHECK_FALSE(cut);
}

TEST_CASE("an input route answers 503 while draining; other routes keep answering", "[route]") {
  const auto ok = [](const http::Request& req) { return text(req.server.draining() ? "d" : "-"); };
  TableServer t(
      {http::Route{http::Route::Method::kPost, "/in", http::Access::kPublic, true, ok},
       http::Route{http::Route::Method::kGet, "/look", http::Access::kPublic, false, ok}});
  t.server->begin_drain();
  auto c = t.client();
  auto in = c.Post("/in", "x", "text/plain");
  REQUIRE(in);
  CHECK(in->status == 503);
  CHECK(in->has_header("Retry-After"));
  auto look = c.Get("/look");
  REQUIRE(look);
  CHECK(look->status == 200);
  CHECK(look->body == "d");
}
