#include "reviewbot/store/group_commit.h"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace reviewbot::store {

// One caller's input, on its stack; guarded by GroupCommit::mutex_.
struct GroupCommit::Waiting {
  BatchInput input;
  ProcessResult result;
  bool done = false;
  std::condition_variable wake;  // done
};

GroupCommit::GroupCommit(InputStore& store, std::size_t max_batch, InputCounters& counters)
    : store_(store), max_batch_(std::max<std::size_t>(max_batch, 1)), counters_(counters) {
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "commit-writer");
    run_writer();
  });
  syncer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "commit-syncer");
    run_syncer();
  });
}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  writer_wake_.notify_one();
  writer_.join();  // after the queue is committed
  syncer_.join();  // after the commits are synced
}

ProcessResult GroupCommit::process(const InboundKey& key, const core::Lookup& lookup,
                                   const DecideFn& decide) {
  Waiting mine{BatchInput{&key, &lookup, &decide}, {}, false, {}};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  writer_wake_.notify_one();  // no system call while the writer is busy: nobody waits
  mine.wake.wait(lock, [&] { return mine.done; });
  return std::move(mine.result);
}

void GroupCommit::run_writer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    writer_wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) break;  // stopping, and everything queued is committed
    const std::size_t n = std::min(queue_.size(), max_batch_);
    std::vector<Waiting*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    std::vector<ProcessResult> results = commit(batch);
    lock.lock();
    unsynced_.push_back(Committed{std::move(batch), std::move(results)});
    syncer_wake_.notify_one();
  }
  writer_done_ = true;
  syncer_wake_.notify_one();
}

std::vector<ProcessResult> GroupCommit::commit(const std::vector<Waiting*>& batch) {
  const std::size_t n = batch.size();
  std::vector<BatchInput> inputs;
  inputs.reserve(n);
  for (const Waiting* w : batch) inputs.push_back(w->input);
  std::vector<ProcessResult> results;
  try {
    results = store_.process_batch_unsynced(inputs);
  } catch (const std::exception& e) {  // the store should not throw; never lose a waiter
    ProcessResult failed;
    failed.error = e.what();
    results.assign(n, failed);
  }
  if (results.size() != n) {
    ProcessResult failed;
    failed.error = "the store answered " + std::to_string(results.size()) + " of " +
                   std::to_string(n) + " inputs";
    results.assign(n, failed);
  }
  return results;
}

void GroupCommit::run_syncer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    syncer_wake_.wait(lock, [this] { return !unsynced_.empty() || writer_done_; });
    if (unsynced_.empty()) break;  // the writer is done and everything is answered
    // Every batch taken here was committed before this sync() starts: it covers them all.
    std::deque<Committed> batches;
    batches.swap(unsynced_);
    lock.unlock();
    const core::Status synced = store_.sync();
    lock.lock();
    for (Committed& committed : batches) {
      for (std::size_t i = 0; i < committed.inputs.size(); ++i) {
        Waiting& w = *committed.inputs[i];
        if (synced) {
          w.result = std::move(committed.results[i]);
        } else {
          w.result = ProcessResult{};
          w.result.error = "the commit did not reach the disk: " + synced.error().message;
        }
        w.done = true;
        w.wake.notify_one();
      }
      counters_.count_batch(committed.inputs.size());
    }
  }
}

std::size_t GroupCommit::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace reviewbot::store
