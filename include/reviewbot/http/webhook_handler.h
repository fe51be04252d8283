// POST /webhook/telegram as plain functions: the secret check (done before the body is
// read) and the update → intake → status mapping. Telegram redelivers anything not
// answered 2xx, so only a committed (or duplicate, or ignorable) update gets 200.
// Stateless; thread-safe when the parser and accept function are.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "reviewbot/core/result.h"
#include "reviewbot/http/accept.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"
#include "reviewbot/platform/telegram/update_parser.h"

namespace reviewbot::http {

using UpdateParser =
    std::function<core::Result<platform::telegram::ParsedUpdate>(std::string_view json)>;

// True when no secret is configured, or the X-Telegram-Bot-Api-Secret-Token header equals
// it (constant-time).
bool webhook_secret_ok(std::string_view expected, std::optional<std::string_view> given);

// For a body within the size limit:
//   parse error            → 400 {"error": ...}
//   update with no event   → 200 {"ok":true}, the store untouched
//   kApplied / kDuplicate  → 200 {"ok":true}
//   kUnavailable           → 503 + Retry-After (logged with the store's reason)
// The dedup key is InboundKey{kTelegramUpdate, "<update_id>"}.
Reply handle_webhook_update(std::string_view body, const UpdateParser& parse,
                            const AcceptFn& accept);
// The same, answering through `respond` once `submit` reports the result.
void handle_webhook_update(std::string_view body, const UpdateParser& parse, const SubmitFn& submit,
                           Respond respond);

// POST /webhook/telegram: Access::kWebhook, an input, answered when `submit` reports the
// result.
Route webhook_route(UpdateParser parse, SubmitFn submit);

}  // namespace reviewbot::http
