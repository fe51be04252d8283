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
// A request may also be answered later, from any thread (Transport::Answer): a handler that
// waits for something else (a group commit) hands its Answer on and frees its worker, and
// the answer is written by the thread that gives it when the socket takes it at once
// (responses to inputs are small), else by a worker.
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

struct TransportHooks;

class Transport {
  struct Impl;
  struct Connection;

 public:
  // The right to answer one request: call it exactly once, from any thread, before or
  // after the handler returns. Copyable; each copy is the same right.
  class Answer {
   public:
    void operator()(Reply reply) const;

   private:
    friend class Transport;
    Answer(Impl* impl, Connection* connection) : impl_(impl), connection_(connection) {}
    Impl* impl_;
    Connection* connection_;
  };

  // Host, port, threads, limits and deadlines come from `settings` (ServerSettings).
  Transport(const ServerSettings& settings, TransportHooks hooks);
  ~Transport();  // stop()
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds host:port (SO_REUSEADDR), listens and starts the threads. Error when the
  // address cannot be bound or the transport already runs.
  core::Status start();
  // Stops accepting and reading, lets requests being answered finish writing (up to
  // `write_limit`), waits for every answer promised (an Answer not yet called), closes
  // every connection and joins the threads. Idempotent.
  void stop(std::chrono::milliseconds write_limit);
  // The bound port while started, else 0.
  int port() const;

 private:
  std::unique_ptr<Impl> impl_;
};

struct TransportHooks {
  // Answers a complete request through `answer`, now or later; on a worker thread. Must not
  // throw.
  std::function<void(const ParsedRequest&, std::string_view remote_addr, Transport::Answer answer)>
      handle;
  // After the answer was written (or the write failed); on the thread that wrote it.
  // `ms`: from the request being complete until then.
  std::function<void(const ParsedRequest&, const Reply&, double ms)> answered;
  // The answer to a request refused before it was complete; on the loop thread.
  std::function<Reply(int status)> refuse;
};

}  // namespace reviewbot::http
