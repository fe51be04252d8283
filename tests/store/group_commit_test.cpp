// GroupCommit: inputs that arrive while a batch commits form the next batch, in the order
// they arrived, up to max_batch; each caller gets its own input's result, once its batch
// is synced, while the next batch may already commit.
#include "reviewbot/store/group_commit.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store_test_util.h"

using namespace reviewbot;
using Status = store::ProcessResult::Status;

namespace {

// A store for GroupCommit, which must never call process() one input at a time.
class BatchesOnly : public store::InputStore {
 public:
  store::ProcessResult process(const store::InboundKey&, const core::Lookup&,
                               const store::DecideFn&) override {
    FAIL("GroupCommit must call process_batch_unsynced");
    return {};
  }
};

// Records the keys of every batch and answers each input with its own key as the error
// text. The first batch waits until release() is called.
class GatedStore final : public BatchesOnly {
 public:
  std::vector<store::ProcessResult> process_batch(
      std::span<const store::BatchInput> inputs) override {
    std::unique_lock lock(mutex_);
    std::vector<std::string> keys;
    for (const auto& input : inputs) keys.push_back(input.key->id);
    batches_.push_back(keys);
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    std::vector<store::ProcessResult> results;
    for (const auto& key : keys) {
      store::ProcessResult r;
      r.status = key == "fails" ? Status::kUnavailable : Status::kApplied;
      r.error = key;
      results.push_back(r);
    }
    return results;
  }
  std::size_t max_batch() const override { return 3; }

  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  void wait_for_batches(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return batches_.size() >= n; });
  }
  std::vector<std::vector<std::string>> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool released_ = false;
  std::vector<std::vector<std::string>> batches_;
};

}  // namespace

TEST_CASE("inputs arriving during a commit form the next batches, in arrival order",
          "[store][batch]") {
  GatedStore gated;
  store::InputCounters counters;
  store::GroupCommit group(gated, gated.max_batch(), counters);
  const core::Lookup lookup;
  const store::DecideFn decide = [](const core::Snapshot&) { return core::Decision{}; };
  const std::vector<std::string> keys = {"first", "b", "fails", "d", "e"};
  std::vector<store::ProcessResult> results(keys.size());
  std::vector<std::thread> threads;
  auto submit = [&](std::size_t i) {
    threads.emplace_back(
        [&, i] { results[i] = group.process(testing::event_key(keys[i]), lookup, decide); });
  };

  // The first input finds the store idle and is committed at once, alone.
  submit(0);
  gated.wait_for_batches(1);
  // The others queue up behind it, one after another.
  for (std::size_t i = 1; i < keys.size(); ++i) {
    submit(i);
    while (group.waiting() < i) std::this_thread::yield();
  }
  gated.release();
  for (auto& t : threads) t.join();

  const auto batches = gated.batches();
  REQUIRE(batches.size() == 3);
  CHECK(batches[0] == std::vector<std::string>{"first"});
  CHECK(batches[1] == std::vector<std::string>{"b", "fails", "d"});  // max_batch 3
  CHECK(batches[2] == std::vector<std::string>{"e"});
  // Each caller got its own answer, the failed one included.
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CHECK(results[i].error == keys[i]);
    CHECK(results[i].status == (keys[i] == "fails" ? Status::kUnavailable : Status::kApplied));
  }
  CHECK(counters.batches() == 3);
  CHECK(counters.batched_inputs() == 5);
  CHECK(group.waiting() == 0);
}

TEST_CASE("a store that throws or miscounts fails its batch, never a caller's wait",
          "[store][batch]") {
  class Broken final : public store::InputStore {
   public:
    bool miscount = false;
    store::ProcessResult process(const store::InboundKey&, const core::Lookup&,
                                 const store::DecideFn&) override {
      return {};
    }
    std::vector<store::ProcessResult> process_batch(std::span<const store::BatchInput>) override {
      if (miscount) return {};
      throw std::runtime_error("disk on fire");
    }
  } broken;
  store::InputCounters counters;
  store::GroupCommit group(broken, 8, counters);
  const store::DecideFn decide = [](const core::Snapshot&) { return core::Decision{}; };
  const auto thrown = group.process(testing::event_key("a"), {}, decide);
  CHECK(thrown.status == Status::kUnavailable);
  CHECK_THAT(thrown.error, Catch::Contains("disk on fire"));
  broken.miscount = true;
  const auto miscounted = group.process(testing::event_key("b"), {}, decide);
  CHECK(miscounted.status == Status::kUnavailable);
  CHECK_THAT(miscounted.error, Catch::Contains("0 of 1"));
}

namespace {

// Commits at once, unsynced; sync() waits until release() while `gate_syncs` is set and
// then answers `sync_result`. Duplicate for a key "dup", applied otherwise.
class SyncGatedStore final : public BatchesOnly {
 public:
  std::vector<store::ProcessResult> process_batch(std::span<const store::BatchInput>) override {
    FAIL("GroupCommit must call process_batch_unsynced");
    return {};
  }
  std::vector<store::ProcessResult> process_batch_unsynced(
      std::span<const store::BatchInput> inputs) override {
    std::lock_guard lock(mutex_);
    std::vector<store::ProcessResult> results;
    for (const auto& input : inputs) {
      store::ProcessResult r;
      r.status = input.key->id == "dup" ? Status::kDuplicate : Status::kApplied;
      results.push_back(r);
    }
    ++batches_;
    changed_.notify_all();
    return results;
  }
  core::Status sync() override {
    std::unique_lock lock(mutex_);
    ++syncs_waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !gate_syncs || released_; });
    --syncs_waiting_;
    return sync_result;
  }
  std::size_t max_batch() const override { return 8; }

  bool gate_syncs = false;
  core::Status sync_result = core::ok_status();

  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  void wait_until(int batches, int syncs_waiting) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return batches_ >= batches && syncs_waiting_ >= syncs_waiting; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool released_ = false;
  int batches_ = 0;
  int syncs_waiting_ = 0;
};

}  // namespace

TEST_CASE("the next batch commits while the last one syncs, and each is answered once synced",
          "[store][batch]") {
  SyncGatedStore gated;
  gated.gate_syncs = true;
  store::InputCounters counters;
  store::GroupCommit group(gated, gated.max_batch(), counters);
  const store::DecideFn decide = [](const core::Snapshot&) { return core::Decision{}; };
  std::atomic<int> answered{0};
  store::ProcessResult first, second;
  std::thread a([&] {
    first = group.process(testing::event_key("a"), {}, decide);
    ++answered;
  });
  gated.wait_until(1, 1);  // "a" is committed and waits for the disk
  std::thread b([&] {
    second = group.process(testing::event_key("b"), {}, decide);
    ++answered;
  });
  gated.wait_until(2, 1);  // "b" was committed meanwhile, in a batch of its own
  CHECK(answered == 0);    // neither is acknowledged before a sync that covers it returns
  gated.release();
  a.join();
  b.join();
  CHECK(first.status == Status::kApplied);
  CHECK(second.status == Status::kApplied);
  CHECK(counters.batches() == 2);
}

TEST_CASE("a failed sync fails the whole batch, duplicates included", "[store][batch]") {
  SyncGatedStore failing;
  failing.sync_result = core::Error{"EIO"};
  store::InputCounters counters;
  store::GroupCommit group(failing, failing.max_batch(), counters);
  const store::DecideFn decide = [](const core::Snapshot&) { return core::Decision{}; };
  for (const char* key : {"new", "dup"}) {
    const auto result = group.process(testing::event_key(key), {}, decide);
    CHECK(result.status == Status::kUnavailable);
    CHECK_THAT(result.error, Catch::Contains("did not reach the disk") && Catch::Contains("EIO"));
  }
}

TEST_CASE("submit returns at once, and its callback gets the result on the syncer thread",
          "[store][batch]") {
  GatedStore gated;
  store::InputCounters counters;
  store::GroupCommit group(gated, gated.max_batch(), counters);
  const store::DecideFn decide = [](const core::Snapshot&) { return core::Decision{}; };
  std::mutex mu;
  std::condition_variable done;
  std::vector<std::string> answers;  // the error texts: each input's own key
  std::thread::id answered_on;
  const auto record = [&](store::ProcessResult result) {
    std::lock_guard lock(mu);
    answers.push_back(result.error);
    answered_on = std::this_thread::get_id();
    done.notify_all();
  };
  group.submit(testing::event_key("a"), {}, decide, record);
  gated.wait_for_batches(1);  // "a" is being committed; submit has returned
  group.submit(testing::event_key("b"), {}, decide, record);
  {
    std::lock_guard lock(mu);
    CHECK(answers.empty());  // nothing is answered before its batch is durable
  }
  gated.release();
  std::unique_lock lock(mu);
  REQUIRE(done.wait_for(lock, std::chrono::seconds(5), [&] { return answers.size() == 2; }));
  CHECK(answers == std::vector<std::string>{"a", "b"});
  CHECK(answered_on != std::this_thread::get_id());
}
