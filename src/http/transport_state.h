// Transport's state, shared by its two source files: transport.cpp (the event loop: accept,
// read, parse, deadlines, start and stop) and transport_answers.cpp (the workers and the
// answers, given now or later from any thread). Internal to src/http.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "response_writer.h"
#include "transport.h"

namespace reviewbot::http {

using TransportClock = std::chrono::steady_clock;
// Bytes the event loop reads from a connection at once.
inline constexpr std::size_t kReadChunk = 64 * 1024;

struct Transport::Connection {
  Connection(int fd_, std::string remote_, RequestLimits limits)
      : fd(fd_), remote(std::move(remote_)), parser(limits) {}

  enum class Phase {
    kReading,  // waiting for or reading a request (the loop owns it)
    kBusy,     // a worker answers `request`
    kClosing,  // refused: dropping what arrives until the client closes or kLinger
  };

  const int fd;
  const std::string remote;
  RequestParser parser;
  std::string pending;  // bytes after a complete request (pipelined), not parsed yet
  Phase phase = Phase::kReading;
  bool served = false;           // answered a request before: the keep-alive timeout applies
  bool request_started = false;  // some bytes of the next request arrived
  bool continue_sent = false;
  bool close_after = false;  // set before and by the worker: close once answered
  std::size_t lingered = 0;
  TransportClock::time_point idle_since;
  TransportClock::time_point request_start;
  TransportClock::time_point deadline;
  TransportClock::time_point complete_at;
  ParsedRequest request;  // while kBusy

  std::mutex answer_mu;               // guards the two below
  bool handling = false;              // a worker runs the handler for `request`
  std::optional<Reply> early_answer;  // given while handling: that worker writes it
};

struct Transport::Impl {
  Impl(const ServerSettings& s, TransportHooks h) : settings(s), hooks(std::move(h)) {
    limits.max_body_bytes = settings.max_body_bytes;
  }

  // A worker's job: answer a connection's request, or finish writing an answer given on
  // another thread (`reply`, `framing`; `unsent`: what is left of it once a part was
  // written).
  struct Job {
    Connection* c = nullptr;
    std::unique_ptr<Reply> reply;  // null: handle the request
    ResponseFraming framing;
    std::optional<std::string> unsent;
  };

  void run_loop();
  void run_worker();
  void accept_all(TransportClock::time_point now);
  void on_readable(Connection& c, TransportClock::time_point now);
  // Parses pending bytes: dispatches a complete request, refuses a bad one.
  void advance(Connection& c, TransportClock::time_point now);
  void dispatch(Connection& c, TransportClock::time_point now);
  void refuse(Connection& c, int status, TransportClock::time_point now);
  // How `reply` to c's request is framed.
  ResponseFraming framing_for(const Connection& c, const Reply& reply) const;
  // An answer given after its handler returned: written here when the socket takes it at
  // once, else handed to a worker.
  void give(Connection& c, Reply reply);
  // Writes `reply` (or what is `unsent` of it), waiting up to the write timeout; on a worker.
  void write_answer(Connection& c, const Reply& reply, const ResponseFraming& framing,
                    const std::optional<std::string>& unsent);
  // After c's answer was written or failed: hands c back to the loop thread.
  void answered(Connection& c, const Reply& reply, const ResponseFraming& framing, bool written);
  void collect_answered(TransportClock::time_point now);
  void sweep(TransportClock::time_point now);
  void set_deadline(Connection& c);
  void arm(Connection& c, int op = EPOLL_CTL_MOD);
  void close_connection(Connection& c);
  void begin_stop();

  const ServerSettings settings;
  RequestLimits limits;
  TransportHooks hooks;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<int> port{0};
  std::thread loop;
  std::vector<std::thread> workers;

  std::atomic<bool> stopping{false};
  std::atomic<TransportClock::rep> stop_deadline{0};

  // The loop thread's own.
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections;
  int busy = 0;  // connections a worker holds
  bool stop_begun = false;
  bool accept_paused = false;
  TransportClock::time_point accept_resume;
  std::size_t turned_away = 0;  // connections closed at the limit since the last warning
  std::vector<char> buffer = std::vector<char>(kReadChunk);

  std::mutex work_mu;  // guards work and workers_quit
  std::condition_variable work_cv;
  std::deque<Job> work;
  bool workers_quit = false;

  std::mutex promised_mu;  // guards promised
  std::condition_variable promised_cv;
  int promised = 0;  // handlers returned without answering; their answers are to come

  std::mutex answered_mu;  // guards answered_list
  std::vector<Connection*> answered_list;
};

}  // namespace reviewbot::http
