// HttpServer serves a route table (route.h): it checks each route's access before its
// handler runs, refuses inputs while draining, answers 404 for unknown paths and 405 with
// Allow for known ones, and counts answers by route and status (ServerState::
// request_counts, for /metrics). Every response carries an X-Request-Id; one log line per
// request, never with tokens or bodies. Connections, parsing, limits and deadlines are the
// transport's (src/http/transport.h): idle and slow clients hold no handler thread. Range
// headers are ignored (every answer is whole); request bodies must not be
// Content-Encoded (415).
// start()/stop() from one owning thread; handlers run on the server's worker threads;
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
  // Threads that run handlers. Connections do not hold them: only a complete request does,
  // while it is answered, and an input (webhook, event) not even while it commits: its
  // answer is written when its group commit is durable, by the thread that makes it so.
  // So a few threads keep up with any number of connections; more let slow requests (a
  // large export to a slow client) wait without holding up the rest, and cost CPU (each
  // request wakes one: 100 made ~5 % fewer updates/s than 8).
  int threads = 16;
  std::size_t max_connections = 10000;  // open connections; more are closed on arrival
  // A new connection must begin its first request within this; idle sockets are cheap,
  // but not free.
  std::chrono::milliseconds first_request_timeout{10000};
  // Longer than common client/proxy idle timeouts (60 s), so the server is not the side
  // that closes an idle connection while a client starts a request on it (Telegram keeps
  // its connections). stop() does not wait for it: idle connections are closed.
  std::chrono::milliseconds keep_alive_timeout{65000};
  // A begun request's headers must arrive within header_timeout and its body within
  // request_timeout (from its first byte), else 408 and the connection closes.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds request_timeout{30000};
  // A response that makes no progress for this long is abandoned (the client stopped
  // reading).
  std::chrono::milliseconds write_timeout{10000};
  int listen_backlog = 4096;
};

class HttpServer {
 public:
  HttpServer(ServerSettings settings, Routes routes);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (SO_REUSEADDR, not SO_REUSEPORT: a second instance on the same port
  // fails here) and serves on background threads. Error when the port cannot be bound or
  // the server was already started.
  core::Status start();

  // Stops accepting, lets requests being handled write their responses (up to 5 s), closes
  // every connection and joins the threads. Idempotent.
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
