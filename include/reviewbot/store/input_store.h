// InputStore is the intake's seam to durable state: one inbound input (a Telegram update,
// a till event) is applied in one transaction together with its dedup key, so a
// redelivered input changes nothing and an acknowledged input is never lost.
// Implementations are thread-safe; SQL stays inside them.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

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
  // When kApplied: the earliest due_at of the messages the decision queued; nullopt when
  // it queued none (Intake sets it, for the dispatcher's wake-up).
  std::optional<core::Time> first_due;
};

using DecideFn = std::function<core::Decision(const core::Snapshot&)>;

// One input of a batch; the pointees must outlive the process_batch call.
struct BatchInput {
  const InboundKey* key = nullptr;
  const core::Lookup* lookup = nullptr;
  const DecideFn* decide = nullptr;
};

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

  // Applies `inputs` in order, each as process() would on its own: one that fails is
  // rolled back alone (kUnavailable) and fails none of the others, each sees what those
  // before it wrote, and a key repeated in the batch is a kDuplicate. Results are in the
  // order of `inputs`, and are final only once the call returns: an implementation that
  // commits the batch as one transaction answers every input kUnavailable (duplicates too)
  // when that commit fails. The default applies them one process() at a time.
  virtual std::vector<ProcessResult> process_batch(std::span<const BatchInput> inputs);
  // As process_batch, but it may return before the commit is on disk, so that the caller
  // can start the next batch while the disk catches up. Its results, duplicates included
  // (a duplicate's original may be in that commit), may be acknowledged only after a
  // sync() called after it returned ok. The default is process_batch: durable on return.
  virtual std::vector<ProcessResult> process_batch_unsynced(std::span<const BatchInput> inputs) {
    return process_batch(inputs);
  }
  // Makes every commit that process_batch_unsynced made before this call durable.
  // Thread-safe, and may run while another batch is being processed. Once it has failed it
  // keeps failing (the kernel may have dropped the pages it could not write): the inputs
  // are then answered kUnavailable until the process restarts. The default has nothing to
  // wait for.
  virtual core::Status sync() { return core::ok_status(); }
  // The most inputs worth passing to process_batch at once; 1 = it saves nothing over
  // process() (the Intake then calls process() from each thread).
  virtual std::size_t max_batch() const { return 1; }
  // The Snapshot for `lookup` from committed state, read outside any write transaction, when
  // that is cheap right now; nullopt when it is not (no separate read connection, or it is
  // busy) or the read failed. Its parts may be read on either side of a commit. The intake decides
  // on it before the input's transaction and keeps that decision only if the transaction loads an
  // equal Snapshot, so a stale or missing read costs a second decision, never a wrong one. The
  // default reads nothing.
  virtual std::optional<core::Snapshot> try_read_snapshot(const core::Lookup& lookup) {
    (void)lookup;
    return std::nullopt;
  }
};

}  // namespace reviewbot::store
