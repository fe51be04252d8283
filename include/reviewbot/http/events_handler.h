// POST /v1/events as a plain function: validate the body (event_parser.h), apply it once
// through the intake (dedup key = the event id) and answer with the engine's outcome.
// Stateless; thread-safe when `accept` is.
#pragma once

#include <string_view>

#include "reviewbot/core/clock.h"
#include "reviewbot/core/types.h"
#include "reviewbot/http/accept.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/input_store.h"

namespace reviewbot::http {

// Body of an already authorized request. `now` stands in for a missing occurred_at on
// refunds and cancellations.
//   invalid body  → 400 {"error", "field"}
//   otherwise     → event_reply(accept(...))
Reply handle_event(std::string_view body, core::Time now, const AcceptFn& accept);
// The same, answering through `respond` once `submit` reports the result.
void handle_event(std::string_view body, core::Time now, const SubmitFn& submit, Respond respond);

// Maps an intake result to the answer:
//   kDuplicate                       → 200 {"status":"duplicate"}
//   kUnavailable                     → 503 + Retry-After
//   kApplied, cancelled / nothing_to_cancel → 200 {"status": ...}
//   kApplied, anything else (scheduled, pending_link, skipped) → 202 {"status": ...}
// "reason" is included when the outcome has one (always for skipped).
Reply event_reply(const store::ProcessResult& result);

// POST /v1/events: Access::kEvents, an input, answered when `submit` reports the result;
// `clock` must outlive the route.
Route events_route(const core::Clock& clock, SubmitFn submit);

}  // namespace reviewbot::http
