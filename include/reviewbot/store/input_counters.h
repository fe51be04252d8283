// Running totals of inbound inputs (Telegram updates, events) by how the store answered,
// for /metrics. The Intake owns one and bumps it on every accept(); any thread may read.
// Plain relaxed atomics: each value is exact, a snapshot across fields is not.
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

 private:
  static constexpr std::size_t kSources = 2;   // kTelegramUpdate, kEvent
  static constexpr std::size_t kStatuses = 3;  // kApplied, kDuplicate, kUnavailable
  static std::size_t index(InboundKey::Source source, ProcessResult::Status status) {
    return static_cast<std::size_t>(source) * kStatuses + static_cast<std::size_t>(status);
  }

  std::array<std::atomic<std::uint64_t>, kSources * kStatuses> counts_{};
};

}  // namespace reviewbot::store
