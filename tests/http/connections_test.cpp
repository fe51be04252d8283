// HttpServer's connections over loopback with short deadlines: idle, slow and hostile
// clients are cut off and hold no handler thread; pipelining, HEAD, 100-continue, Range.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "http/loopback.h"
#include "http/raw_socket.h"
#include "reviewbot/http/server.h"

using namespace reviewbot;
using namespace std::chrono_literals;
using testing::RawSocket;

namespace {

constexpr auto kWait = 5000ms;  // the longest any step here may take

http::Routes test_routes() {
  http::Routes routes;
  routes.push_back({.method = http::Route::Method::kGet,
                    .path = "/ping",
                    .access = http::Access::kPublic,
                    .input = false,
                    .handler = [](const http::Request&) {
                      return http::json_reply(200, {{"pong", true}});
                    }});
  routes.push_back({.method = http::Route::Method::kPost,
                    .path = "/echo",
                    .access = http::Access::kPublic,
                    .input = false,
                    .handler = [](const http::Request& req) {
                      return http::json_reply(200, {{"body", req.body}});
                    }});
  routes.push_back({.method = http::Route::Method::kGet,
                    .path = "/split",
                    .access = http::Access::kPublic,
                    .input = false,
                    .handler = [](const http::Request& req) {
                      auto reply = http::json_reply(200, {{"ok", true}});
                      // As a handler might echo a parameter into a redirect target.
                      reply.headers.emplace_back("Location",
                                                 std::string(req.param("to").value_or("")));
                      reply.headers.emplace_back("X-Fine", "yes");
                      return reply;
                    }});
  return routes;
}

struct Server {
  explicit Server(http::ServerSettings s) : server(std::move(s), test_routes()) {
    REQUIRE(server.start().ok());
  }
  static http::ServerSettings quick() {
    http::ServerSettings s = testing::loopback_settings(1, "");
    s.first_request_timeout = 300ms;
    s.keep_alive_timeout = 3000ms;
    s.header_timeout = 400ms;
    s.request_timeout = 600ms;
    s.max_body_bytes = 1024;
    return s;
  }
  int port() const { return server.port(); }
  http::HttpServer server;
};

std::string get(std::string_view path) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

}  // namespace

TEST_CASE("a connection that never sends a request is closed after first_request_timeout",
          "[server][connections]") {
  Server s(Server::quick());
  RawSocket idle(s.port());
  REQUIRE(idle.connected());
  CHECK(idle.closed_within(kWait));
}

TEST_CASE("a kept connection outlives first_request_timeout until keep_alive_timeout",
          "[server][connections]") {
  Server s(Server::quick());
  RawSocket c(s.port());
  REQUIRE(c.send(get("/ping")));
  CHECK(status_line(c.read_until("}", kWait)) == "HTTP/1.1 200 OK");
  std::this_thread::sleep_for(700ms);  // past first_request_timeout, within keep-alive
  REQUIRE(c.send(get("/ping")));
  CHECK(status_line(c.read_until("}", kWait)) == "HTTP/1.1 200 OK");
}

TEST_CASE("requests too slow to arrive are answered 408 and closed", "[server][connections]") {
  Server s(Server::quick());
  SECTION("headers trickled past header_timeout") {
    RawSocket c(s.port());
    REQUIRE(c.send("GET /ping HTTP/1.1\r\n"));
    std::string got;
    for (int i = 0; i < 20 && got.empty(); ++i) {
      c.send("X");  // one byte of a header every 100 ms
      got = c.read_until("\r\n\r\n", 100ms);
    }
    CHECK(status_line(got) == "HTTP/1.1 408 Request Timeout");
    CHECK(c.closed_within(kWait));
  }
  SECTION("a body trickled past request_timeout") {
    RawSocket c(s.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nContent-Length: 500\r\n\r\n"));
    std::string got;
    for (int i = 0; i < 40 && got.empty(); ++i) {
      c.send("x");
      got = c.read_until("\r\n\r\n", 100ms);
    }
    CHECK(status_line(got) == "HTTP/1.1 408 Request Timeout");
  }
}

TEST_CASE("idle and half-sent connections hold no handler thread", "[server][connections]") {
  auto settings = Server::quick();
  settings.first_request_timeout = 20000ms;
  settings.header_timeout = 20000ms;
  settings.request_timeout = 20000ms;
  Server s(settings);  // one handler thread
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < 100; ++i) {
    held.push_back(std::make_unique<RawSocket>(s.port()));
    REQUIRE(held.back()->connected());
    if (i % 2 == 0) held.back()->send("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nab");
  }
  httplib::Client c("127.0.0.1", s.port());
  c.set_connection_timeout(3, 0);
  c.set_read_timeout(3, 0);
  for (int i = 0; i < 5; ++i) {
    auto res = c.Get("/ping");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}

TEST_CASE("pipelined requests are answered in order on one connection", "[server][connections]") {
  Server s(Server::quick());
  RawSocket c(s.port());
  REQUIRE(c.send(get("/ping") + "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nfirst" +
                 get("/nope")));
  const std::string got = c.read_until("HTTP/1.1", kWait, 3);
  const auto first = got.find("{\"pong\":true}");
  const auto second = got.find("{\"body\":\"first\"}");
  const auto third = got.find("HTTP/1.1 404");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  REQUIRE(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
}

TEST_CASE("headers over the limits are refused with 431 and the connection closes",
          "[server][connections]") {
  Server s(Server::quick());
  SECTION("too many") {
    RawSocket c(s.port());
    std::string request = "GET /ping HTTP/1.1\r\n";
    for (int i = 0; i < 200; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
    REQUIRE(c.send(request + "\r\n"));
    CHECK(status_line(c.read_until("\r\n", kWait)) ==
          "HTTP/1.1 431 Request Header Fields Too Large");
    CHECK(c.closed_within(kWait));
  }
  SECTION("too large") {
    RawSocket c(s.port());
    REQUIRE(c.send("GET /ping HTTP/1.1\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n"));
    CHECK(status_line(c.read_until("\r\n", kWait)) ==
          "HTTP/1.1 431 Request Header Fields Too Large");
  }
}

TEST_CASE("Range is ignored: every answer is whole, however many ranges are asked",
          "[server][connections]") {
  Server s(Server::quick());
  httplib::Client c("127.0.0.1", s.port());
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 2000; ++i) ranges += ",0-";
  auto res = c.Get("/ping", {{"Range", ranges}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == R"({"pong":true})");
}

TEST_CASE("HEAD answers a GET route's headers without its body", "[server][connections]") {
  Server s(Server::quick());
  RawSocket c(s.port());
  REQUIRE(c.send("HEAD /ping HTTP/1.1\r\nHost: t\r\n\r\n" + get("/ping")));
  const std::string got = c.read_until("}", kWait);
  // The HEAD answer's headers, then straight the GET answer: no body in between.
  const auto second = got.find("HTTP/1.1 200", 1);
  REQUIRE(second != std::string::npos);
  CHECK(got.substr(0, second).find("Content-Length: 13\r\n") != std::string::npos);
  CHECK(got.substr(0, second).find("pong") == std::string::npos);
}

TEST_CASE("Expect: 100-continue gets 100 Continue, then the answer", "[server][connections]") {
  Server s(Server::quick());
  RawSocket c(s.port());
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  CHECK(c.read_until("\r\n\r\n", kWait) == "HTTP/1.1 100 Continue\r\n\r\n");
  REQUIRE(c.send("hi"));
  CHECK(c.read_until("}", kWait).find(R"({"body":"hi"})") != std::string::npos);
}

TEST_CASE("a declared body over the limit is refused before it is sent", "[server][connections]") {
  Server s(Server::quick());
  RawSocket c(s.port());
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"));
  const std::string got = c.read_until("}", kWait);
  CHECK(status_line(got) == "HTTP/1.1 413 Payload Too Large");
  CHECK(got.find("Connection: close") != std::string::npos);
}

TEST_CASE("a header value with a line break is left out, so no header can be forged",
          "[server][connections]") {
  Server s(Server::quick());
  RawSocket c(s.port());
  REQUIRE(c.send(get("/split?to=/x%0D%0ASet-Cookie:%20evil=1")));
  const std::string got = c.read_until("}", kWait);
  CHECK(status_line(got) == "HTTP/1.1 200 OK");
  CHECK(got.find("evil") == std::string::npos);
  CHECK(got.find("Location") == std::string::npos);
  CHECK(got.find("X-Fine: yes\r\n") != std::string::npos);
}
