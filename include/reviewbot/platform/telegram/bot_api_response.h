// Classification of Bot API answers into SendResult, kept apart from the HTTP client so
// the delivery rules' inputs are testable without a server. Pure functions; thread-safe.
// Descriptions are the platform's text or the network error; callers redact secrets.
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "reviewbot/platform/platform_client.h"

namespace reviewbot::platform::telegram {

// An HTTP answer: `http_status` as received (0 if unknown) and the raw body, JSON or not.
// ok → kOk (message_id from result.message_id when present); 429 → kRetryAfter
// (parameters.retry_after, 1 s when absent); 5xx → kTransient; migrate_to_chat_id →
// kMigrated; 400 "message is not modified" → kOk; 400 "can't parse entities" →
// kParseEntities; 400 about buttons/keyboard/reply markup → kBadMarkup; 403 → kForbidden;
// any other 4xx → kRejected; a 2xx whose body is not a Bot API answer → kUnknown.
SendResult classify_response(long http_status, std::string_view body);

// A transfer that produced no HTTP answer. `request_started` is true once the connection
// was up and the request was (about to be) written: the call may have taken effect, so a
// failure then is kUnknown. Failures that cannot follow a sent request (resolve, connect,
// TLS handshake) and any failure before the request started are kTransient.
SendResult classify_transport_error(CURLcode code, bool request_started, std::string_view detail);

}  // namespace reviewbot::platform::telegram
