// Transport owns the listening socket and every connection. One event-loop thread (epoll)
// accepts and reads: a request is parsed as its bytes arrive, under deadlines, and only a
// complete request reaches a worker thread, which answers it and writes the response. So
// connections that are idle, slow or stuck in a request cost a descriptor and a buffer,
// never a worker: hundreds of them leave the workers to real traffic.
//
// Deadlines (ServerSettings): a new connection must begin a request within
// first_request_timeout, a kept connection within keep_alive_timeout; a begun request must finish
// its headers within header_timeout and its body within request_timeout (else 408 and close); a
// response must make progress within write_timeout. A request refused before it is complete (400,
// 413, 414, 415, 417, 431, 501, 505) is answered and its connection closed.
//
// Pipelined requests are answered in order, one at a time. Only the loop thread closes a
// descriptor, so none is reused while a worker still writes to it. Internal to src/http;
// start()/stop() from one owning thread; the hooks run on the threads their comments say.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "reviewbot/core/result.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/request_parser.h"
#include "reviewbot/http/server.h"

namespace reviewbot::http {

struct TransportHooks {
  // Answers a complete request; on a worker thread. Must not throw.
  std::function<Reply(const ParsedRequest&, std::string_view remote_addr)> handle;
  // After the answer was written (or the write failed); on the same worker thread.
  // `ms`: from the request being complete until then.
  std::function<void(const ParsedRequest&, const Reply&, double ms)> answered;
  // The answer to a request refused before it was complete; on the loop thread.
  std::function<Reply(int status)> refuse;
};

class Transport {
 public:
  // Host, port, threads, limits and deadlines come from `settings` (ServerSettings).
  Transport(const ServerSettings& settings, TransportHooks hooks);
  ~Transport();  // stop()
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds host:port (SO_REUSEADDR), listens and starts the threads. Error when the
  // address cannot be bound or the transport already runs.
  core::Status start();
  // Stops accepting and reading, lets requests being answered finish writing (up to
  // `write_limit`), closes every connection and joins the threads. Idempotent.
  void stop(std::chrono::milliseconds write_limit);
  // The bound port while started, else 0.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reviewbot::http
