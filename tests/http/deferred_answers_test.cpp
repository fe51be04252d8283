// Routes with a deferred handler (Route::deferred) over loopback: the handler returns at
// once and the answer comes later from another thread, as a webhook's does once its group
// commit is durable. No worker waits for it, pipelined requests keep their order, draining
// waits for it, and an answer too large for the socket is finished by a worker.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
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

// The answers of /later requests, parked until a test gives them.
class Parked {
 public:
  void park(http::Respond respond) {
    std::lock_guard lock(mu_);
    waiting_.push_back(std::move(respond));
    cv_.notify_all();
  }
  // Waits until `n` answers are parked.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return waiting_.size() >= n; });
  }
  // Gives the oldest parked answer from a thread of its own.
  void answer(http::Reply reply) {
    http::Respond respond;
    {
      std::lock_guard lock(mu_);
      REQUIRE_FALSE(waiting_.empty());
      respond = std::move(waiting_.front());
      waiting_.erase(waiting_.begin());
    }
    std::thread([respond = std::move(respond), reply = std::move(reply)]() mutable {
      respond(std::move(reply));
    }).join();
  }
  // Answers whatever is still parked (the server's stop() waits for every answer).
  void answer_all() {
    std::vector<http::Respond> left;
    {
      std::lock_guard lock(mu_);
      left.swap(waiting_);
    }
    for (auto& respond : left) respond(http::error_reply(503, "test over"));
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<http::Respond> waiting_;
};

http::Routes routes(Parked& parked) {
  http::Routes r;
  http::Route later{http::Route::Method::kPost, "/later", http::Access::kPublic, true, {}, {}};
  later.deferred = [&parked](const http::Request&, http::Respond respond) {
    parked.park(std::move(respond));
  };
  r.push_back(std::move(later));
  http::Route now{http::Route::Method::kPost, "/now", http::Access::kPublic, true, {}, {}};
  now.deferred = [](const http::Request& req, http::Respond respond) {
    respond(http::json_reply(200, {{"body", req.body}}));
  };
  r.push_back(std::move(now));
  http::Route ping{http::Route::Method::kGet, "/ping", http::Access::kPublic, false, {}, {}};
  ping.handler = [](const http::Request&) { return http::json_reply(200, {{"pong", true}}); };
  r.push_back(std::move(ping));
  return r;
}

struct Server {
  Server() : server(testing::loopback_settings(1, ""), routes(parked)) {
    REQUIRE(server.start().ok());
  }
  ~Server() { parked.answer_all(); }
  int port() const { return server.port(); }
  Parked parked;  // before the server, which must stop first
  http::HttpServer server;
};

std::string post(std::string_view path, std::string_view body = "x") {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

}  // namespace

TEST_CASE("a deferred answer holds no worker, and is written when given from another thread",
          "[server][deferred]") {
  Server s;  // one handler thread
  RawSocket waiting(s.port());
  REQUIRE(waiting.send(post("/later")));
  REQUIRE(s.parked.wait_for(1));

  // The only worker is free: other requests are answered meanwhile.
  httplib::Client c = testing::loopback_client(s.server);
  for (int i = 0; i < 3; ++i) {
    auto res = c.Get("/ping");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  auto now = c.Post("/now", "inline", "text/plain");
  REQUIRE(now);
  CHECK(now->body == R"({"body":"inline"})");
  CHECK(waiting.read_until("HTTP/1.1", 50ms).empty());

  s.parked.answer(http::json_reply(202, {{"late", true}}));
  const std::string got = waiting.read_until(R"({"late":true})", kWait);
  CHECK(status_line(got) == "HTTP/1.1 202 Accepted");
  CHECK(got.find("X-Request-Id: ") != std::string::npos);
  // The connection is kept for the next request.
  REQUIRE(waiting.send(post("/now", "again")));
  CHECK(waiting.read_until(R"({"body":"again"})", kWait).find("200 OK") != std::string::npos);
}

TEST_CASE("a request pipelined behind a deferred one is answered after it", "[server][deferred]") {
  Server s;
  RawSocket c(s.port());
  REQUIRE(c.send(post("/later") + "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n"));
  REQUIRE(s.parked.wait_for(1));
  CHECK(c.read_until("HTTP/1.1", 100ms).empty());
  s.parked.answer(http::json_reply(200, {{"first", true}}));
  const std::string got = c.read_until("HTTP/1.1", kWait, 2);
  const auto first = got.find(R"({"first":true})");
  const auto second = got.find(R"({"pong":true})");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
}

TEST_CASE("draining waits for deferred inputs until they are answered", "[server][deferred]") {
  Server s;
  RawSocket waiting(s.port());
  REQUIRE(waiting.send(post("/later")));
  REQUIRE(s.parked.wait_for(1));
  s.server.begin_drain();
  CHECK_FALSE(s.server.wait_for_intake(100ms));
  // New inputs are refused meanwhile.
  RawSocket refused(s.port());
  REQUIRE(refused.send(post("/later")));
  CHECK(status_line(refused.read_until("\r\n\r\n", kWait)) == "HTTP/1.1 503 Service Unavailable");

  s.parked.answer(http::json_reply(200, {{"ok", true}}));
  CHECK(s.server.wait_for_intake(kWait));
  CHECK(waiting.read_until(R"({"ok":true})", kWait).find("200 OK") != std::string::npos);
}

TEST_CASE("a deferred answer larger than the socket takes at once is finished by a worker",
          "[server][deferred]") {
  Server s;
  RawSocket c(s.port());
  REQUIRE(c.send(post("/later")));
  REQUIRE(s.parked.wait_for(1));
  const std::string big(8 << 20, 'a');  // more than loopback buffers hold
  http::Reply reply;
  reply.status = 200;
  reply.content_type = "text/plain";
  reply.body = big + "end";
  s.parked.answer(std::move(reply));  // returns without waiting for the client to read
  const std::string got = c.read_until("aend", kWait);
  CHECK(got.size() > big.size());
  CHECK(got.find("Content-Length: " + std::to_string(big.size() + 3)) != std::string::npos);
}
