// The delivery rules as pure functions: what a platform answer means for an outbox row
// (sent, retry at, failed, unreachable), and what happens to a send whose outcome is
// unknown. Fallback resends and chat moves happen in the Dispatcher. Thread-safe.
#pragma once

#include "reviewbot/core/messages.h"
#include "reviewbot/core/types.h"
#include "reviewbot/delivery/backoff.h"
#include "reviewbot/platform/platform_client.h"
#include "reviewbot/store/outbox_store.h"

namespace reviewbot::delivery {

struct RetryRules {
  int max_attempts = 10;  // after this many attempts a retryable failure becomes kFailed
  BackoffPolicy backoff;
};

// A send is in doubt when it may have reached the platform but no answer came back.
// sendMessage has no idempotency key, so resending may duplicate; not resending may lose.
enum class InDoubtCause {
  kTimeout,   // the client timed out after sending (SendResult::Kind::kUnknown)
  kRestart,   // the process stopped between handing the row over and recording the answer
  kTakeover,  // another instance held the row then, and its claim expired (it died)
};
const char* to_string(InDoubtCause cause);  // "timeout", "restart", "takeover"

enum class InDoubtPolicy {
  // Not resent: the row fails. Review requests and reminders: a duplicate request is
  // spam and gets the bot reported; a lost one costs one review opportunity, and the
  // conversation still expires normally.
  kAtMostOnce,
  // Resent with backoff: everything else (comment prompts, thank-yous, notices, owner
  // alerts, edits, callback answers). Someone waits for it; a rare duplicate is the lesser
  // harm.
  kAtLeastOnce,
};
InDoubtPolicy in_doubt_policy(core::MessageKind kind);

// What becomes of a row of `kind` whose send is in doubt. `attempt` counts the doubtful
// send (1 for the first), `unit` is the jitter draw in [0, 1).
//   kAtMostOnce  → kFailed, reason "outcome unknown after <timeout|restart|takeover>; not resent so
//                  the customer is not asked twice"
//   kAtLeastOnce → kRetry at now + backoff_delay(attempt) after a timeout, at now after a
//                  restart or takeover; kFailed ("gave up after N attempts: ...") from the
//                  max_attempts-th attempt on
store::DeliveryOutcome in_doubt_outcome(core::MessageKind kind, InDoubtCause cause, int attempt,
                                        core::Time now, const RetryRules& rules, double unit);

// Stable lower-case name of a result kind for logs and reasons ("retry_after", ...).
const char* kind_name(platform::SendResult::Kind kind);

// What the platform's answer to a send of a row of `kind` means. `attempt` counts this
// one (1 for the first send). `unit` is the jitter draw in [0, 1).
//   kOk                     → kSent with the message id
//   kRetryAfter             → kRetry at now + retry_after (at least 1 s)
//   kTransient              → kRetry at now + backoff_delay(attempt)
//   kUnknown                → in_doubt_outcome(kind, kTimeout, ...)
//   kForbidden              → kUnreachable
//   kMigrated with a new id → kRetry at now: the caller has moved the chat
//                             (Store::migrate_chat), so the next claim sends the row there
//   kMigrated without an id → kFailed
//   kParseEntities, kBadMarkup (no fallback left), kRejected → kFailed with the reason
// A retry on or after the max_attempts-th attempt becomes kFailed ("gave up after N
// attempts: ...").
store::DeliveryOutcome delivery_outcome(core::MessageKind kind, const platform::SendResult& result,
                                        int attempt, core::Time now, const RetryRules& rules,
                                        double unit);

}  // namespace reviewbot::delivery
