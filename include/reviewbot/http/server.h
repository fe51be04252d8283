// HttpServer serves a route table (route.h) on cpp-httplib: it checks each route's access
// before its handler runs, reads POST bodies within the size limit, refuses inputs while
// draining, answers 404 for unknown paths and 405 with Allow for known ones, and counts
// answers by route and status (ServerState::request_counts, for /metrics). Every response
// carries an X-Request-Id; one log line per request, never with tokens or bodies. JSON is
// sent as "application/json; charset=utf-8", which cpp-httplib 0.11.4 never gzips (it has
// no switch for that); streamed exports are gzipped when the client asks.
// start()/stop() from one owning thread; handlers run on the server's thread pool;
// begin_drain()/wait_for_intake()/draining() are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <string>

#include "reviewbot/core/result.h"
#include "reviewbot/http/route.h"

namespace reviewbot::http {

struct ServerSettings {
  std::string host = "0.0.0.0";
  int port = 8080;                       // 0 = any free port; see HttpServer::port()
  std::string webhook_secret;            // TELEGRAM_WEBHOOK_SECRET; empty = no check
  std::string admin_token;               // ADMIN_TOKEN; empty = Access::kAdmin routes answer 503
  std::string events_secret;             // EVENTS_SECRET; empty = no signature auth
  std::size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  // Telegram keeps up to max_connections (≤ 100) connections open; each open connection
  // holds one pool thread, so the pool must exceed that plus admin/till clients.
  int threads = 128;
  std::size_t keep_alive_max_count = 10000;  // requests per connection before it closes
  // Longer than common client/proxy idle timeouts (60 s), so the server is not the side
  // that closes an idle connection while a client starts a request on it. stop() does
  // not wait for it: idle connections are shut down.
  std::chrono::seconds keep_alive_timeout{65};
  std::chrono::seconds read_timeout{10};
  int listen_backlog = 4096;  // cpp-httplib 0.11.4 listens with 5; raised after bind
};

class HttpServer {
 public:
  HttpServer(ServerSettings settings, Routes routes);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (SO_REUSEADDR, not SO_REUSEPORT: a second instance on the same port
  // fails here), raises the listen backlog and serves on a background thread. Error when
  // the port cannot be bound or the server was already started.
  core::Status start();

  // Stops accepting, lets requests being handled write their responses (up to 5 s), shuts
  // idle keep-alive connections and joins the pool. Idempotent.
  void stop();

  // Shutdown, step one: from now on POST /webhook/telegram and /v1/events answer 503 with
  // Retry-After (so Telegram and the till send them again later) and /readyz answers 503;
  // inputs already being processed finish and get their answer. Health, admin reads and
  // links keep answering. Idempotent.
  void begin_drain();
  bool draining() const;
  // Waits until no webhook or event is being processed, or `timeout` passes; returns
  // whether none is. Meaningful after begin_drain().
  bool wait_for_intake(std::chrono::milliseconds timeout);

  // The bound port once started (the real one when settings.port was 0), else 0.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reviewbot::http
