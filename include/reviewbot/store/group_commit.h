// GroupCommit turns the inputs that handler threads submit at the same time into batches for
// InputStore::process_batch, so one commit (one fsync) acknowledges many inputs. Two threads
// of its own do the work: the writer commits the oldest queued inputs (up to max_batch) with
// process_batch_unsynced, and at once takes whatever queued up meanwhile; the syncer makes
// committed batches durable with InputStore::sync() (one sync covers every batch committed
// before it) and answers their callers. So the next batch is written while the last one
// waits for the disk, and no batch waits for a thread to wake up and lead it. Nothing waits
// for a batch to fill: an input that finds the writer idle is committed at once, alone, and
// batches grow only while the writer is busy. Inputs are applied in the order they were
// submitted, so two inputs of one customer keep theirs. Each input's result is handed over
// once its batch is durable (or has failed): to its callback, on the syncer thread
// (submit), or to the thread waiting for it (process).
// Thread-safe. The destructor commits and syncs what is queued, answers it, and joins its
// threads; destroy it only once no submit() or process() call is in progress.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "reviewbot/store/input_counters.h"
#include "reviewbot/store/input_store.h"

namespace reviewbot::store {

class GroupCommit {
 public:
  // `store` and `counters` must outlive the GroupCommit; max_batch < 1 is treated as 1.
  // Every batch is counted in `counters` (InputCounters::count_batch).
  GroupCommit(InputStore& store, std::size_t max_batch, InputCounters& counters);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Called once with an input's result, on the syncer thread. It must not throw, nor block
  // for long: the inputs answered after it wait for it.
  using Done = std::function<void(ProcessResult)>;

  // Queues an input and returns at once; `done` gets its result once its batch is durable.
  // `decide` may be called more than once (InputStore::process), on the writer thread.
  void submit(InboundKey key, core::Lookup lookup, DecideFn decide, Done done);
  // As InputStore::process, from any thread; returns after the input's batch is done.
  ProcessResult process(const InboundKey& key, const core::Lookup& lookup, const DecideFn& decide);

  // Inputs submitted and not yet taken into a batch.
  std::size_t waiting() const;

 private:
  // One submitted input, owned by the queue and then by its batch until it is answered.
  struct Queued {
    InboundKey key;
    core::Lookup lookup;
    DecideFn decide;
    Done done;
  };
  using Batch = std::vector<std::unique_ptr<Queued>>;
  struct Committed {
    Batch inputs;
    std::vector<ProcessResult> results;
  };

  void run_writer();
  void run_syncer();
  // process_batch_unsynced, with one result for each input whatever the store does.
  std::vector<ProcessResult> commit(const Batch& batch);

  InputStore& store_;
  const std::size_t max_batch_;
  InputCounters& counters_;
  mutable std::mutex mutex_;                   // guards everything below but the threads
  std::deque<std::unique_ptr<Queued>> queue_;  // submitted, not yet in a batch
  std::deque<Committed> unsynced_;             // committed, waiting for sync()
  std::condition_variable writer_wake_;        // queue_ has inputs, or stopping_
  std::condition_variable syncer_wake_;        // unsynced_ has batches, or writer_done_
  bool stopping_ = false;
  bool writer_done_ = false;
  std::thread writer_;
  std::thread syncer_;
};

}  // namespace reviewbot::store
