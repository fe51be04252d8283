// Store is the seam to durable state. Every write for one inbound input happens in one
// transaction together with its dedup key (process), so a redelivered input changes
// nothing and an acknowledged input is never lost. The outbox calls are the only way
// messages leave. Implementations are thread-safe: HTTP handlers, the dispatcher and the
// admin API call them concurrently. SQL stays inside implementations.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/engine.h"
#include "reviewbot/core/messages.h"
#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::store {

// The dedup key of an inbound input.
struct InboundKey {
  enum class Source { kTelegramUpdate, kEvent };
  Source source = Source::kEvent;
  std::string id;  // update_id in decimal, or the event id
};

struct ProcessResult {
  enum class Status {
    kApplied,      // decision committed
    kDuplicate,    // key seen before; nothing changed
    kUnavailable,  // could not commit (busy, I/O error, shutting down): answer 503
  };
  Status status = Status::kUnavailable;
  core::Outcome outcome;  // the decision's outcome when kApplied
  std::string error;      // why, when kUnavailable (for logs; never shown to clients)
};

// A claimed outbox row.
struct OutboxRow {
  int64_t id = 0;
  core::MessageKind kind = core::MessageKind::kNotice;
  core::MessageBody body;
  std::optional<int64_t> conversation_id;
  core::Time due_at{};
  int attempts = 0;  // attempts made before this one
};

// What happened when a row was sent, as the dispatcher classified it.
struct DeliveryOutcome {
  enum class Status {
    kSent,         // done; message_id set for SendText
    kRetry,        // try again at retry_at
    kFailed,       // give up; reason stored
    kUnreachable,  // 403: give up and mark the chat's customer unreachable
    kDeferred,     // not sent (rate limit, breaker): unclaim until retry_at, attempts unchanged
  };
  Status status = Status::kSent;
  std::optional<int64_t> message_id;
  core::Time retry_at{};
  std::string reason;
};

// The outbox at a glance, for /metrics.
struct OutboxStats {
  int64_t pending = 0;  // rows not yet sent, failed or cancelled (claimed ones included)
  int64_t failed = 0;   // rows given up on (kept for operators)
  // now - due_at of the pending row that has been due longest; 0 when none is due. It
  // grows while delivery falls behind (retries, rate limits, an open breaker).
  core::Duration oldest_due_age{0};
};

// One message the outbox recorded as sent: its chat (0 for callback answers) and when.
struct RecentSend {
  core::ChatId chat_id = 0;
  core::Time sent_at{};
};

struct ReviewFilter {
  std::optional<int> rating;
  std::optional<core::Time> since, until;  // on answered_at; until is exclusive
  int limit = 50;                          // 1..500
  std::optional<int64_t> after_id;         // cursor: reviews with id < after_id (newest first)
};

struct ReviewPage {
  std::vector<core::Review> reviews;  // newest first
  std::optional<int64_t> next_cursor;
};

class Store {
 public:
  virtual ~Store() = default;

  // In one transaction: if `key` was processed before → kDuplicate. Otherwise load the
  // Snapshot for `lookup`, call `decide` on it, write the Decision (customer, conversation,
  // cancellations, outbox rows, business connection, parked/unparked events) and the key,
  // and commit. `decide` must be pure; it may be called again if the store retries.
  virtual ProcessResult process(
      const InboundKey& key, const core::Lookup& lookup,
      const std::function<core::Decision(const core::Snapshot&)>& decide) = 0;

  // Up to `limit` pending rows due at `now`, oldest first, at most one per chat (the
  // chat's earliest due row, so a chat's messages go out in order), excluding rows
  // already claimed and not yet completed. Claimed rows stay claimed until complete().
  virtual core::Result<std::vector<OutboxRow>> claim_due(core::Time now, int limit) = 0;

  // Records the result of sending a claimed row and clears its mark_sending mark; every
  // status but kDeferred counts one attempt. kSent with a message id on a request stores
  // the conversation's request_message_id. kDeferred only releases the claim and sets the
  // next attempt time.
  virtual core::Status complete(int64_t outbox_id, const DeliveryOutcome& outcome,
                                core::Time now) = 0;

  // Records, durably before it returns, that the claimed row is about to be handed to the
  // platform, so a restart knows the send may have happened. complete() clears the mark.
  // The delivery module marks only rows it sends at most once. Error if the row is not
  // claimed or cannot be written (then do not send it).
  virtual core::Status mark_sending(int64_t outbox_id, core::Time now) = 0;

  // At startup, for rows a stopped or crashed process left claimed: releases the unmarked
  // ones (they go out again) and returns the ones marked by mark_sending, still claimed,
  // so the delivery module settles each with complete(). Error: nothing was released.
  virtual core::Result<std::vector<OutboxRow>> release_claims() = 0;

  // The platform moved `old_chat` to `new_chat` (a group became a supergroup). In one
  // transaction: records old → new, following chains (a → b then b → c stores a → c),
  // moves customers and conversations, and points the chat's pending rows (claimed ones
  // included) at the new chat, keeping their (due_at, id) order. Rows that process()
  // writes later for an old chat go to its new chat. Error if old and new would be the
  // same chat or the write fails; nothing changed then.
  virtual core::Status migrate_chat(core::ChatId old_chat, core::ChatId new_chat,
                                    core::Time now) = 0;

  // Earliest due_at/next attempt among pending rows, to sleep until; nullopt if none.
  virtual std::optional<core::Time> next_due() = 0;

  virtual core::Result<ReviewPage> list_reviews(const ReviewFilter& filter) = 0;
  virtual core::Result<core::Stats> stats() = 0;

  // Counts for /metrics as of `now`. Cheap: answered from indexes (no table scan; the
  // counts cost O(pending + failed rows)) and without waiting for writers where the
  // backend allows. Error when the database cannot be read.
  virtual core::Result<OutboxStats> outbox_stats(core::Time now) = 0;

  // Rows recorded as sent at or after `since`, oldest first, so a restarted dispatcher
  // knows the sends of the last second and keeps the platform's rate limits across the
  // restart. Reads an index on sent_at.
  virtual core::Result<std::vector<RecentSend>> sent_since(core::Time since) = 0;

  // Cheap check that the database answers (for /readyz).
  virtual bool ping() = 0;
};

}  // namespace reviewbot::store
