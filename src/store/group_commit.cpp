#include "reviewbot/store/group_commit.h"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace reviewbot::store {

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

void GroupCommit::submit(InboundKey key, core::Lookup lookup, DecideFn decide, Done done) {
  auto queued = std::make_unique<Queued>(
      Queued{std::move(key), std::move(lookup), std::move(decide), std::move(done)});
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(queued));
  writer_wake_.notify_one();  // no system call while the writer is busy: nobody waits
}

ProcessResult GroupCommit::process(const InboundKey& key, const core::Lookup& lookup,
                                   const DecideFn& decide) {
  struct Answer {
    std::mutex mu;
    std::condition_variable wake;
    bool done = false;
    ProcessResult result;
  } answer;
  submit(
      key, lookup, [&decide](const core::Snapshot& snapshot) { return decide(snapshot); },
      [&answer](ProcessResult result) {
        std::lock_guard lock(answer.mu);
        answer.result = std::move(result);
        answer.done = true;
        answer.wake.notify_one();  // under the lock: once it is released, `answer` may be gone
      });
  std::unique_lock lock(answer.mu);
  answer.wake.wait(lock, [&] { return answer.done; });
  return std::move(answer.result);
}

void GroupCommit::run_writer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    writer_wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) break;  // stopping, and everything queued is committed
    const std::size_t n = std::min(queue_.size(), max_batch_);
    Batch batch;
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    std::vector<ProcessResult> results = commit(batch);
    lock.lock();
    unsynced_.push_back(Committed{std::move(batch), std::move(results)});
    syncer_wake_.notify_one();
  }
  writer_done_ = true;
  syncer_wake_.notify_one();
}

std::vector<ProcessResult> GroupCommit::commit(const Batch& batch) {
  const std::size_t n = batch.size();
  std::vector<BatchInput> inputs;
  inputs.reserve(n);
  for (const auto& q : batch) inputs.push_back(BatchInput{&q->key, &q->lookup, &q->decide});
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
    for (Committed& committed : batches) {
      counters_.count_batch(committed.inputs.size());  // before the callers hear of it
      for (std::size_t i = 0; i < committed.inputs.size(); ++i) {
        ProcessResult result;
        if (synced) {
          result = std::move(committed.results[i]);
        } else {
          result.error = "the commit did not reach the disk: " + synced.error().message;
        }
        try {
          committed.inputs[i]->done(std::move(result));
        } catch (...) {  // a callback must not throw; the other inputs are answered anyway
        }
      }
    }
    batches.clear();
    lock.lock();
  }
}

std::size_t GroupCommit::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace reviewbot::store
