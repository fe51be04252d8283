// Running totals of what the Dispatcher did, for /metrics. The Dispatcher owns one and
// bumps it on its thread; readers (the metrics page) may load any field at any time.
// Plain relaxed atomics: each value is exact, a snapshot across fields is not.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "reviewbot/platform/platform_client.h"

namespace reviewbot::delivery {

using Counter = std::atomic<std::uint64_t>;

inline constexpr std::size_t kSendResultKinds =
    static_cast<std::size_t>(platform::SendResult::Kind::kRejected) + 1;

struct DeliveryCounters {
  // Platform calls made, by how they were classified (fallback resends included);
  // calls[kRetryAfter] counts the 429s received.
  std::array<Counter, kSendResultKinds> calls{};
  Counter fallback_plain_text{0};   // resent without parse mode after "can't parse entities"
  Counter fallback_no_keyboard{0};  // resent without the keyboard after a markup error
  Counter in_doubt_resent{0};       // outcome unknown, sent again: possible duplicates
  Counter in_doubt_not_resent{0};   // outcome unknown, not sent again: possibly never arrived
  Counter chat_migrations{0};       // chats moved after migrate_to_chat_id
  Counter deferred_rate_limit{0};   // rows put back because a rate limit said wait
  Counter deferred_paused{0};       // rows put back while the breaker or a 429 pause held

  void count_call(platform::SendResult::Kind kind) {
    calls[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  static void bump(Counter& c) { c.fetch_add(1, std::memory_order_relaxed); }
  static std::uint64_t load(const Counter& c) { return c.load(std::memory_order_relaxed); }
};

}  // namespace reviewbot::delivery
