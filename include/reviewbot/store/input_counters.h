// Running totals of inbound inputs (Telegram updates, events) by how the store answered,
// and of the group commit's batches, for /metrics. The Intake owns one and bumps it on every
// accept(); any thread may read. Plain relaxed atomics: each value is exact, a snapshot across
// fields is not.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "reviewbot/store/input_store.h"

namespace reviewbot::store {

class InputCounters {
 public:
  void count(InboundKey::Source source, ProcessResult::Status status) {
    counts_[index(source, status)].fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t get(InboundKey::Source source, ProcessResult::Status status) const {
    return counts_[index(source, status)].load(std::memory_order_relaxed);
  }
  // A group commit's batch of `inputs` (GroupCommit).
  void count_batch(std::size_t inputs) {
    batches_.fetch_add(1, std::memory_order_relaxed);
    batched_inputs_.fetch_add(inputs, std::memory_order_relaxed);
  }
  std::uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }
  std::uint64_t batched_inputs() const { return batched_inputs_.load(std::memory_order_relaxed); }
  // A decision made before the input's transaction (Intake): kept, because the
  // transaction's snapshot was the one it was made on, or made again.
  void count_early_decision(bool kept) {
    (kept ? early_kept_ : early_redone_).fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t early_decisions(bool kept) const {
    return (kept ? early_kept_ : early_redone_).load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::size_t kSources = 2;   // kTelegramUpdate, kEvent
  static constexpr std::size_t kStatuses = 3;  // kApplied, kDuplicate, kUnavailable
  static std::size_t index(InboundKey::Source source, ProcessResult::Status status) {
    return static_cast<std::size_t>(source) * kStatuses + static_cast<std::size_t>(status);
  }

  std::array<std::atomic<std::uint64_t>, kSources * kStatuses> counts_{};
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> batched_inputs_{0};
  std::atomic<std::uint64_t> early_kept_{0};
  std::atomic<std::uint64_t> early_redone_{0};
};

}  // namespace reviewbot::store
