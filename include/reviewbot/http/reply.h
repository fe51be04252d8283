// Reply is what a plain handler function returns: status, content type, body (or a
// stream of chunks) and extra headers. The HttpServer writes it as the response, so
// handler logic is tested without sockets. Helpers build the JSON bodies every endpoint shares.
// Thread-compatible value type.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reviewbot/core/result.h"
#include "reviewbot/http/field_result.h"

namespace reviewbot::http {

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

// Seconds a client should wait after a 503.
inline constexpr int kRetryAfterSeconds = 1;

// The rest of a body too large to build at once (an export), after Reply::body: each call
// returns the next chunk, nullopt at the end, or an error, which aborts the response (the
// client sees a truncated chunked body). Called on a server thread, one call at a time.
using BodyStream = std::function<core::Result<std::optional<std::string>>()>;

struct Reply {
  int status = 200;
  std::string content_type = kJsonContentType;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  BodyStream stream;  // empty: `body` is the whole body; else sent chunked after it
};

Reply json_reply(int status, const nlohmann::json& body);
// {"error": message}
Reply error_reply(int status, std::string_view message);
// 400 {"error": ..., "field": ...}
Reply field_error_reply(const FieldError& error);
// 503 {"error": message} with Retry-After.
Reply unavailable_reply(std::string_view message);

}  // namespace reviewbot::http
