// InputStore is the intake's seam to durable state: one inbound input (a Telegram update,
// a till event) is applied in one transaction together with its dedup key, so a
// redelivered input changes nothing and an acknowledged input is never lost.
// Implementations are thread-safe; SQL stays inside them.
#pragma once

#include <functional>
#include <string>

#include "reviewbot/core/engine.h"

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

using DecideFn = std::function<core::Decision(const core::Snapshot&)>;

class InputStore {
 public:
  virtual ~InputStore() = default;

  // In one transaction: if `key` was processed before → kDuplicate. Otherwise load the
  // Snapshot for `lookup`, call `decide` on it, write the Decision (customer, conversation,
  // cancellations, outbox rows, business connection, parked/unparked events) and the key,
  // and commit. `decide` must be pure; it may be called again if the store retries. An
  // exception from `decide` rolls everything back and reports kUnavailable.
  virtual ProcessResult process(const InboundKey& key, const core::Lookup& lookup,
                                const DecideFn& decide) = 0;
};

}  // namespace reviewbot::store
