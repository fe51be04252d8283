#include "response_writer.h"

#include <http_parser.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace reviewbot::http {
namespace {

// Waits until `fd` takes more bytes; false on timeout or error.
bool wait_writable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLOUT, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n > 0) return (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0;
    if (n == 0 || errno != EINTR) return false;
  }
}

// Writes both pieces in as few system calls as the socket allows.
bool write_pair(int fd, std::string_view a, std::string_view b, std::chrono::milliseconds timeout) {
  while (!a.empty() || !b.empty()) {
    iovec parts[2] = {{const_cast<char*>(a.data()), a.size()},
                      {const_cast<char*>(b.data()), b.size()}};
    msghdr msg{};
    msg.msg_iov = a.empty() ? parts + 1 : parts;
    msg.msg_iovlen = a.empty() ? 1 : 2;
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      if (!wait_writable(fd, timeout)) return false;
      continue;
    }
    auto sent = static_cast<std::size_t>(n);
    const std::size_t from_a = std::min(sent, a.size());
    a.remove_prefix(from_a);
    b.remove_prefix(sent - from_a);
  }
  return true;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos ||
         text.find('\0') != std::string_view::npos;
}

std::string chunk_size_line(std::size_t size) {
  char line[24];
  const int n = std::snprintf(line, sizeof line, "%zx\r\n", size);
  return std::string(line, static_cast<std::size_t>(n));
}

bool write_chunk(int fd, std::string_view data, bool framed, std::chrono::milliseconds timeout) {
  if (data.empty()) return true;
  if (!framed) return write_all(fd, data, timeout);
  return write_pair(fd, chunk_size_line(data.size()), data, timeout) &&
         write_all(fd, "\r\n", timeout);
}

// The rest of a streamed reply after its head.
bool write_stream(int fd, const Reply& reply, bool framed, std::chrono::milliseconds timeout) {
  if (!write_chunk(fd, reply.body, framed, timeout)) return false;
  for (;;) {
    core::Result<std::optional<std::string>> chunk = core::Error{"unset"};
    try {
      chunk = reply.stream();
    } catch (const std::exception& e) {
      spdlog::error("streamed response aborted: {}", e.what());
      return false;
    }
    if (!chunk) {
      spdlog::warn("streamed response aborted: {}", chunk.error().message);
      return false;
    }
    if (!chunk->has_value()) break;
    if (!write_chunk(fd, **chunk, framed, timeout)) return false;
  }
  return !framed || write_all(fd, "0\r\n\r\n", timeout);
}

}  // namespace

std::string response_head(const Reply& reply, const ResponseFraming& framing) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     http_status_str(static_cast<http_status>(reply.status)) + "\r\n";
  head += "Content-Type: " + reply.content_type + "\r\n";
  if (!reply.stream) {
    head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  } else if (framing.version_minor >= 1) {
    head += "Transfer-Encoding: chunked\r\n";
  }
  for (const auto& [name, value] : reply.headers) {
    // A line break in a header would let a value (a redirect target, a file name) forge
    // headers or a whole response: such a header is left out.
    if (has_line_break(name) || has_line_break(value) || name.empty()) {
      spdlog::warn("http: a response header was left out: its name or value holds a line break");
      continue;
    }
    head += name + ": " + value + "\r\n";
  }
  if (!framing.keep_alive) {
    head += "Connection: close\r\n";
  } else if (framing.version_minor == 0) {
    head += "Connection: keep-alive\r\n";
  }
  head += "\r\n";
  return head;
}

bool write_all(int fd, std::string_view bytes, std::chrono::milliseconds timeout) {
  return write_pair(fd, bytes, {}, timeout);
}

std::optional<std::string> write_now(int fd, const Reply& reply, const ResponseFraming& framing) {
  const std::string head = response_head(reply, framing);
  const std::string_view body = framing.head_only ? std::string_view() : reply.body;
  iovec parts[2] = {{const_cast<char*>(head.data()), head.size()},
                    {const_cast<char*>(body.data()), body.size()}};
  msghdr msg{};
  msg.msg_iov = parts;
  msg.msg_iovlen = 2;
  ssize_t n = -1;
  do {
    n = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return std::nullopt;
  const auto sent = static_cast<std::size_t>(std::max<ssize_t>(n, 0));
  std::string rest;
  if (sent < head.size()) rest.append(head, sent);
  rest.append(body.substr(sent > head.size() ? sent - head.size() : 0));
  return rest;
}

bool write_reply(int fd, const Reply& reply, const ResponseFraming& framing,
                 std::chrono::milliseconds timeout) {
  const std::string head = response_head(reply, framing);
  if (framing.head_only) return write_all(fd, head, timeout);
  if (!reply.stream) return write_pair(fd, head, reply.body, timeout);
  return write_all(fd, head, timeout) &&
         write_stream(fd, reply, framing.version_minor >= 1, timeout);
}

}  // namespace reviewbot::http
