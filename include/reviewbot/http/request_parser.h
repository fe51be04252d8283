// RequestParser reads HTTP/1.x requests off one connection's bytes, one request at a time,
// within limits: the request target, the header block (bytes and count) and the body
// (Content-Length or chunked). Bytes after a complete request stay unread for the next one
// (pipelining). Parsing is Node's http-parser (Debian libhttp-parser); this class adds the
// limits and the shape HttpServer needs. Pure (no I/O); one instance per connection, not
// thread-safe.
#pragma once

#include <http_parser.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reviewbot/http/route.h"

namespace reviewbot::http {

struct RequestLimits {
  std::size_t max_target_bytes = 8 * 1024;   // else 414
  std::size_t max_header_bytes = 16 * 1024;  // the request line and headers; else 431
  std::size_t max_headers = 100;             // else 431
  std::size_t max_body_bytes = 1 << 20;      // else 413
};

// A complete request.
struct ParsedRequest {
  std::string method;  // as sent: "GET", "POST", …
  std::string path;    // percent-decoded, without the query
  Params params;       // the query's parameters, decoded ('+' is a space)
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;                                          // de-chunked
  bool keep_alive = true;  // the client allows another request on the connection
  int version_minor = 1;   // HTTP/1.<minor>

  // The first value of a header (name in lower case), or nullptr.
  const std::string* header(std::string_view lower_name) const;
};

class RequestParser {
 public:
  explicit RequestParser(RequestLimits limits);
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  enum class State {
    kNeedMore,  // feed more bytes
    kComplete,  // take() the request
    kFailed,    // error_status() says why; the connection must close after answering
  };

  // Parses from `data`; `consumed` is how many bytes it used. After kComplete the rest of
  // `data` belongs to the next request: feed it after take().
  State feed(std::string_view data, std::size_t& consumed);
  // The complete request; the parser then waits for the next one.
  ParsedRequest take();

  // 400, 413, 414, 431 or 501 once feed() returned kFailed.
  int error_status() const { return error_status_; }
  // A request has begun (some of its bytes were seen) but is not complete.
  bool in_request() const { return in_request_; }
  // The current request's headers are complete (its body may not be).
  bool headers_done() const { return headers_done_; }
  // The headers asked for "100 Continue" before the body is sent, and the body is due.
  bool expects_continue() const { return expects_continue_; }
  // The request asked to switch protocols; it is answered as HTTP/1.1 and the connection
  // then closes.
  bool upgrade() const { return parser_.upgrade != 0; }

 private:
  static int on_message_begin(http_parser* p);
  static int on_url(http_parser* p, const char* at, std::size_t n);
  static int on_header_field(http_parser* p, const char* at, std::size_t n);
  static int on_header_value(http_parser* p, const char* at, std::size_t n);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t n);
  static int on_message_complete(http_parser* p);
  // Records the refusal and stops the parser.
  int fail(int status);
  // Counts header-block bytes; false once over the limit.
  bool count_header_bytes(std::size_t n);

  RequestLimits limits_;
  http_parser_settings settings_{};
  http_parser parser_{};
  ParsedRequest current_;
  std::string target_;
  std::size_t header_bytes_ = 0;
  bool in_value_ = false;  // the last header callback was a value
  bool in_request_ = false;
  bool headers_done_ = false;
  bool complete_ = false;
  bool expects_continue_ = false;
  int error_status_ = 0;
};

}  // namespace reviewbot::http
