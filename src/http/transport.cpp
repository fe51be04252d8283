#include "transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "listen_socket.h"
#include "transport_state.h"

namespace reviewbot::http {
namespace {

using Clock = TransportClock;

constexpr std::chrono::milliseconds kSweepEvery{200};
// After a refusal the connection's write side is shut and what the client still sends is
// read and dropped (so it sees the answer, not a reset) for up to this long or this much.
constexpr std::chrono::milliseconds kLinger{2000};
constexpr std::size_t kLingerBytes = 16 << 20;
// accept() paused this long when the process is out of descriptors.
constexpr std::chrono::milliseconds kAcceptPause{100};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

void Transport::Impl::arm(Connection& c, int op) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = &c;
  if (epoll_ctl(epoll_fd, op, c.fd, &ev) != 0) {
    spdlog::warn("http: cannot watch a connection: {}", std::strerror(errno));
    close_connection(c);
  }
}

void Transport::Impl::close_connection(Connection& c) {
  ::close(c.fd);  // also removes it from the epoll set
  connections.erase(&c);
}

void Transport::Impl::set_deadline(Connection& c) {
  if (c.phase == Connection::Phase::kClosing) return;
  if (!c.request_started) {
    c.deadline =
        c.idle_since + (c.served ? settings.keep_alive_timeout : settings.first_request_timeout);
  } else if (!c.parser.headers_done()) {
    c.deadline = c.request_start + settings.header_timeout;
  } else {
    c.deadline = c.request_start + settings.request_timeout;
  }
}

void Transport::Impl::accept_all(Clock::time_point now) {
  for (;;) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        spdlog::warn("http: cannot accept connections: {}; pausing {} ms", std::strerror(errno),
                     kAcceptPause.count());
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
        accept_paused = true;
        accept_resume = now + kAcceptPause;
      }
      return;  // EAGAIN: none left
    }
    if (connections.size() >= settings.max_connections) {
      ::close(fd);
      ++turned_away;
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto owned = std::make_unique<Connection>(fd, peer_address(addr), limits);
    Connection& c = *owned;
    connections.emplace(&c, std::move(owned));
    c.idle_since = now;
    set_deadline(c);
    arm(c, EPOLL_CTL_ADD);
  }
}

void Transport::Impl::on_readable(Connection& c, Clock::time_point now) {
  for (;;) {
    const ssize_t n = ::recv(c.fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      if (c.phase == Connection::Phase::kClosing) {
        c.lingered += static_cast<std::size_t>(n);
        if (c.lingered > kLingerBytes) return close_connection(c);
        continue;
      }
      c.pending.append(buffer.data(), static_cast<std::size_t>(n));
      advance(c, now);
      if (c.phase == Connection::Phase::kBusy) return;  // the rest waits for the answer
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return close_connection(c);  // the client closed, or the connection failed
  }
  set_deadline(c);
  arm(c);
}

void Transport::Impl::advance(Connection& c, Clock::time_point now) {
  while (c.phase == Connection::Phase::kReading && !c.pending.empty()) {
    std::size_t used = 0;
    const auto state = c.parser.feed(c.pending, used);
    c.pending.erase(0, used);
    if (!c.request_started && c.parser.in_request()) {
      c.request_started = true;
      c.request_start = now;
    }
    if (state == RequestParser::State::kComplete) return dispatch(c, now);
    if (state == RequestParser::State::kFailed) return refuse(c, c.parser.error_status(), now);
    if (used == 0) break;
  }
  if (c.parser.expects_continue() && !c.continue_sent) {
    c.continue_sent = true;
    (void)::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

void Transport::Impl::dispatch(Connection& c, Clock::time_point now) {
  c.close_after = c.parser.upgrade();
  c.request = c.parser.take();
  c.close_after = c.close_after || !c.request.keep_alive;
  c.phase = Connection::Phase::kBusy;
  c.request_started = false;
  c.continue_sent = false;
  c.complete_at = now;
  ++busy;
  {
    std::lock_guard lock(work_mu);
    work.push_back(Job{&c, nullptr, {}, std::nullopt});
  }
  work_cv.notify_one();
}

void Transport::Impl::refuse(Connection& c, int status, Clock::time_point now) {
  const Reply reply = hooks.refuse(status);
  const std::string bytes = response_head(reply, ResponseFraming{.keep_alive = false}) + reply.body;
  // Refusals are small: one non-blocking write, whatever it manages.
  (void)::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::kClosing;
  c.pending.clear();
  c.deadline = now + kLinger;
}

void Transport::Impl::collect_answered(Clock::time_point now) {
  std::uint64_t count = 0;
  (void)!::read(wake_fd, &count, sizeof count);
  std::vector<Connection*> done;
  {
    std::lock_guard lock(answered_mu);
    done.swap(answered_list);
  }
  for (Connection* c : done) {
    --busy;
    c->request = ParsedRequest{};
    if (c->close_after || stop_begun) {
      close_connection(*c);
      continue;
    }
    c->served = true;
    c->phase = Connection::Phase::kReading;
    c->idle_since = now;
    advance(*c, now);  // a pipelined request may be waiting
    if (c->phase == Connection::Phase::kBusy) continue;
    set_deadline(*c);
    arm(*c);
  }
}

void Transport::Impl::sweep(Clock::time_point now) {
  std::vector<Connection*> expired;
  for (const auto& [c, owned] : connections) {
    if (c->phase != Connection::Phase::kBusy && c->deadline <= now) expired.push_back(c);
  }
  for (Connection* c : expired) {
    if (c->phase == Connection::Phase::kReading && c->request_started) {
      refuse(*c, 408, now);  // a request begun and not finished in time
      arm(*c);
    } else {
      close_connection(*c);
    }
  }
  if (turned_away > 0) {
    spdlog::warn("http: {} connections closed on arrival: {} are open (the limit)", turned_away,
                 settings.max_connections);
    turned_away = 0;
  }
  if (accept_paused && now >= accept_resume) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &listen_fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev) == 0) accept_paused = false;
  }
}

void Transport::Impl::begin_stop() {
  stop_begun = true;
  ::close(listen_fd);
  listen_fd = -1;
  std::vector<Connection*> idle;
  for (const auto& [c, owned] : connections) {
    if (c->phase != Connection::Phase::kBusy) idle.push_back(c);
  }
  for (Connection* c : idle) close_connection(*c);
}

void Transport::Impl::run_loop() {
  std::array<epoll_event, 256> events{};
  auto next_sweep = Clock::now() + kSweepEvery;
  for (;;) {
    if (stopping.load() && !stop_begun) begin_stop();
    if (stop_begun &&
        (busy == 0 || Clock::now().time_since_epoch().count() >= stop_deadline.load())) {
      return;
    }
    const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(kSweepEvery.count()));
    const auto now = Clock::now();
    for (int i = 0; i < n; ++i) {
      void* tag = events[static_cast<std::size_t>(i)].data.ptr;
      if (tag == &listen_fd) {
        if (!stop_begun) accept_all(now);
      } else if (tag == &wake_fd) {
        collect_answered(now);
      } else if (!stop_begun) {
        on_readable(*static_cast<Connection*>(tag), now);
      }
    }
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + kSweepEvery;
    }
  }
}

Transport::Transport(const ServerSettings& settings, TransportHooks hooks)
    : impl_(std::make_unique<Impl>(settings, std::move(hooks))) {}

Transport::~Transport() { stop(std::chrono::milliseconds(0)); }

core::Status Transport::start() {
  auto& s = *impl_;
  if (s.loop.joinable()) return core::Error{"the HTTP server is already started"};
  const rlim_t descriptors = raise_descriptor_limit();
  if (descriptors < s.settings.max_connections + 64) {
    spdlog::warn("http: the process may open {} descriptors; fewer than {} connections fit",
                 descriptors, s.settings.max_connections);
  }
  auto listening = listen_on(s.settings.host, s.settings.port, s.settings.listen_backlog);
  if (!listening) return listening.error();
  s.listen_fd = *listening;
  s.port = bound_port(s.listen_fd);
  s.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  s.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &s.listen_fd;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.listen_fd, &ev);
  ev.data.ptr = &s.wake_fd;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &ev);
  s.stopping = false;
  s.stop_begun = false;
  s.workers_quit = false;
  for (int i = 0; i < std::max(1, s.settings.threads); ++i) {
    s.workers.emplace_back([&s] {
      pthread_setname_np(pthread_self(), "http-worker");
      s.run_worker();
    });
  }
  s.loop = std::thread([&s] {
    pthread_setname_np(pthread_self(), "http-loop");
    s.run_loop();
  });
  return core::ok_status();
}

void Transport::stop(std::chrono::milliseconds write_limit) {
  auto& s = *impl_;
  if (!s.loop.joinable()) return;
  s.stop_deadline = (Clock::now() + write_limit).time_since_epoch().count();
  s.stopping = true;
  const std::uint64_t one = 1;
  (void)!::write(s.wake_fd, &one, sizeof one);
  s.loop.join();
  {
    std::lock_guard lock(s.work_mu);
    s.workers_quit = true;
  }
  s.work_cv.notify_all();
  for (auto& worker : s.workers) worker.join();
  s.workers.clear();
  {
    // Answers promised by handlers write to connections, which are still open.
    std::unique_lock lock(s.promised_mu);
    s.promised_cv.wait(lock, [&s] { return s.promised == 0; });
  }
  // Every thread is gone: what is left (answers not collected, requests never taken) closes.
  for (const auto& [c, owned] : s.connections) ::close(c->fd);
  s.connections.clear();
  s.work.clear();
  s.answered_list.clear();
  s.busy = 0;
  if (s.listen_fd >= 0) ::close(s.listen_fd);
  ::close(s.epoll_fd);
  ::close(s.wake_fd);
  s.listen_fd = s.epoll_fd = s.wake_fd = -1;
  s.port = 0;
}

int Transport::port() const { return impl_->port; }

}  // namespace reviewbot::http
