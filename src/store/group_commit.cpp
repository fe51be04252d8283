#include "reviewbot/store/group_commit.h"

#include <algorithm>
#include <condition_variable>
#include <string>
#include <vector>

namespace reviewbot::store {

// One caller's input, on its stack; guarded by GroupCommit::mutex_.
struct GroupCommit::Waiting {
  BatchInput input;
  ProcessResult result;
  bool taken = false;  // in a batch: another thread commits it
  bool done = false;
  std::condition_variable wake;  // done, or first in the queue with nobody committing
};

GroupCommit::GroupCommit(InputStore& store, std::size_t max_batch, InputCounters& counters)
    : store_(store), max_batch_(std::max<std::size_t>(max_batch, 1)), counters_(counters) {}

ProcessResult GroupCommit::process(const InboundKey& key, const core::Lookup& lookup,
                                   const DecideFn& decide) {
  Waiting mine{BatchInput{&key, &lookup, &decide}, {}, false, false, {}};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (committing_ || mine.taken) {
      mine.wake.wait(lock);
    } else {
      commit_next(lock, mine);
    }
  }
  return std::move(mine.result);
}

void GroupCommit::commit_next(std::unique_lock<std::mutex>& lock, const Waiting& self) {
  const std::size_t n = std::min(queue_.size(), max_batch_);
  std::vector<Waiting*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  for (Waiting* w : batch) w->taken = true;
  committing_ = true;
  lock.unlock();

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

  // The next batch may start while this one waits for the disk: the thread of the oldest
  // queued input commits it (only that thread is woken). Not this thread, which is about to
  // wait for the disk: when its own input is the oldest (it came after a full batch), the
  // next one's thread commits it along with the rest.
  lock.lock();
  committing_ = false;
  for (Waiting* w : queue_) {
    if (w != &self) {
      w->wake.notify_one();
      break;
    }
  }
  lock.unlock();
  if (const core::Status synced = store_.sync(); !synced) {
    ProcessResult failed;
    failed.error = "the commit did not reach the disk: " + synced.error().message;
    results.assign(n, failed);
  }

  lock.lock();
  for (std::size_t i = 0; i < n; ++i) {
    batch[i]->result = std::move(results[i]);
    batch[i]->done = true;
    batch[i]->wake.notify_one();  // this thread's own input among them: nobody waits there
  }
  counters_.count_batch(n);
}

std::size_t GroupCommit::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace reviewbot::store
