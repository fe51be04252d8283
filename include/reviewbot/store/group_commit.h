// GroupCommit turns the inputs that handler threads submit at the same time into batches for
// InputStore::process_batch, so one commit (one fsync) acknowledges many inputs. The first
// thread to find no batch in progress commits the oldest queued inputs (up to max_batch,
// its own among them or not) while the others wait; then a waiting thread takes whatever
// queued up meanwhile. Nothing waits for a batch to fill: an input that finds the store
// idle is committed at once, alone, and batches grow only while commits are busy. Inputs
// are applied in the order they were submitted, so two inputs of one customer keep theirs.
// A batch is committed with process_batch_unsynced; the next batch may start as soon as
// that returns, while this batch's thread waits in InputStore::sync() for the disk. Each
// caller gets its own input's result once its batch is durable (or has failed).
// A waiting caller is woken only when there is something for it to do: its batch is done,
// or it is the oldest queued input and nobody commits (it then commits the next batch).
// Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>

#include "reviewbot/store/input_counters.h"
#include "reviewbot/store/input_store.h"

namespace reviewbot::store {

class GroupCommit {
 public:
  // `store` and `counters` must outlive the GroupCommit; max_batch < 1 is treated as 1.
  // Every batch is counted in `counters` (InputCounters::count_batch).
  GroupCommit(InputStore& store, std::size_t max_batch, InputCounters& counters);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // As InputStore::process, from any thread; returns after the input's batch is done.
  ProcessResult process(const InboundKey& key, const core::Lookup& lookup, const DecideFn& decide);

  // Inputs submitted and not yet taken into a batch.
  std::size_t waiting() const;

 private:
  struct Waiting;
  // Commits the queue's oldest inputs and syncs them; called with `lock` held, returns
  // with it held. `self` is the calling thread's own input, in the batch or still queued.
  void commit_next(std::unique_lock<std::mutex>& lock, const Waiting& self);

  InputStore& store_;
  const std::size_t max_batch_;
  InputCounters& counters_;
  mutable std::mutex mutex_;    // guards queue_, committing_ and every Waiting
  std::deque<Waiting*> queue_;  // submitted, not yet in a batch
  bool committing_ = false;     // a thread is in process_batch_unsynced
};

}  // namespace reviewbot::store
