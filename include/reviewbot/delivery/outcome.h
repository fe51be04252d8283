// The delivery rules as one pure function: what a platform answer means for an outbox row
// (sent, retry at, failed, unreachable). Fallback resends happen before this, in the
// Dispatcher. Thread-safe.
#pragma once

#include "reviewbot/core/types.h"
#include "reviewbot/delivery/backoff.h"
#include "reviewbot/platform/platform_client.h"
#include "reviewbot/store/store.h"

namespace reviewbot::delivery {

struct RetryRules {
  int max_attempts = 10;  // after this many attempts a retryable failure becomes kFailed
  BackoffPolicy backoff;
};

// `attempt` counts this one (1 for the first send). `unit` is the jitter draw in [0, 1).
//   kOk                     → kSent with the message id
//   kRetryAfter             → kRetry at now + retry_after (at least 1 s)
//   kTransient              → kRetry at now + backoff_delay(attempt)
//   kUnknown                → the same: at-least-once. The request may have arrived, but
//                             the Bot API has no idempotency key; a rare duplicate beats a
//                             lost message.
//   kForbidden              → kUnreachable
//   kMigrated               → kFailed, reason names the new chat (migration comes later)
//   kParseEntities, kBadMarkup (no fallback left), kRejected → kFailed with the reason
// A retry on or after the max_attempts-th attempt becomes kFailed ("gave up after N
// attempts: ...").
// Stable lower-case name of a result kind for logs and reasons ("retry_after", ...).
const char* kind_name(platform::SendResult::Kind kind);

store::DeliveryOutcome delivery_outcome(const platform::SendResult& result, int attempt,
                                        core::Time now, const RetryRules& rules, double unit);

}  // namespace reviewbot::delivery
