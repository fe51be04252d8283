// Access to the admin API (/v1/*): a bearer ADMIN_TOKEN, and for /v1/events alternatively
// an EVENTS_SECRET body signature. With neither credential configured the endpoints answer
// 503 and are never open. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "reviewbot/http/reply.h"

namespace reviewbot::http {

// nullopt when `authorization` carries the admin token; otherwise the reply to send:
// 503 {"error":"ADMIN_TOKEN is not configured"} or 401 with WWW-Authenticate: Bearer.
std::optional<Reply> admin_denial(std::string_view admin_token, std::string_view authorization);

// For POST /v1/events: accepted with the admin bearer token, or (when events_secret is
// set) a valid "X-Reviewbot-Signature: sha256=<hex>" of the body. 503 when neither
// credential is configured, else 401.
std::optional<Reply> event_denial(std::string_view admin_token, std::string_view events_secret,
                                  std::string_view authorization, std::string_view signature,
                                  std::string_view body);

}  // namespace reviewbot::http
