// Writes a Reply as an HTTP/1.1 response to a non-blocking socket, waiting (poll) up to a
// timeout whenever the socket's buffer is full. A streamed reply is sent chunked (to an
// HTTP/1.0 client: unframed, so the caller must close the connection after it). Internal to
// src/http; the functions are thread-safe, one writer per socket at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "reviewbot/http/reply.h"

namespace reviewbot::http {

struct ResponseFraming {
  bool head_only = false;  // a HEAD request: headers only
  bool keep_alive = true;  // else "Connection: close"
  int version_minor = 1;   // the request's HTTP/1.<minor>
};

// The status line and headers, ending with the blank line.
std::string response_head(const Reply& reply, const ResponseFraming& framing);

// Writes `reply`; false when the peer went away, a write made no progress within
// `timeout`, or the stream failed (the response is then cut short and the connection must
// close).
bool write_reply(int fd, const Reply& reply, const ResponseFraming& framing,
                 std::chrono::milliseconds timeout);

// Writes all of `bytes` within the same rules.
bool write_all(int fd, std::string_view bytes, std::chrono::milliseconds timeout);

// Writes as much of a reply that is not streamed as the socket takes without waiting.
// Returns what it did not take (empty: everything was written), or nullopt when the peer
// went away.
std::optional<std::string> write_now(int fd, const Reply& reply, const ResponseFraming& framing);

}  // namespace reviewbot::http
