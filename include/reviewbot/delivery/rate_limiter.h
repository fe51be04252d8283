// RateLimiter paces sends as the Bot API asks: a token bucket of `per_bot` tokens refilled
// at `per_bot` per second over all chats, one send per chat per `per_chat_interval`, and
// nothing before a bot-wide 429 pause ends. Pure (time comes in as arguments); not
// thread-safe: the dispatcher's thread owns it.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "reviewbot/core/types.h"

namespace reviewbot::delivery {

// Sustained, at most per_bot sends per second; in the first second after an idle one the
// full bucket lets up to 2 * per_bot - 1 go.
struct RateLimits {
  int per_bot = 30;                        // sends per second over all chats; also the burst
  core::Duration per_chat_interval{1000};  // least time between two sends to one chat
};

class RateLimiter {
 public:
  // `limits.per_bot` < 1 is treated as 1.
  explicit RateLimiter(RateLimits limits = {});

  // The earliest time at or after `now` when a send to `chat` keeps every rule: the
  // per-bot rate, the bot-wide pause and, except for callback answers (chat 0), the
  // per-chat interval. `now` itself when it may go at once.
  core::Time allowed_at(core::ChatId chat, core::Time now) const;
  // The same, ignoring the per-chat interval: when the next send to any chat may go.
  core::Time bot_allowed_at(core::Time now) const;

  // How many sends to distinct chats may go at `now` without waiting (0 while paused).
  int available(core::Time now) const;

  // Records a send made at `now`: it takes a token and restarts the chat's interval.
  // Callback answers count toward the per-bot rate too (they are Bot API calls Telegram
  // throttles with the rest) but never wait for a chat.
  void record(core::ChatId chat, core::Time now);

  // Stops all sends until `until` (the Bot API's 429 is per bot). A later pause extends
  // it; an earlier one changes nothing.
  void pause_until(core::Time until);
  core::Time paused_until() const { return paused_until_; }

  // Chats remembered for the per-chat rule. Chats idle for longer than the interval are
  // forgotten on the next record(), so this stays near per_bot * interval.
  std::size_t tracked_chats() const { return last_send_.size(); }

 private:
  RateLimits limits_;
  int64_t emission_us_;     // microseconds per token: ceil(1e6 / per_bot)
  int64_t theoretical_us_;  // GCRA: when the bucket would be full again, in epoch µs
  core::Time paused_until_{};
  std::unordered_map<core::ChatId, core::Time> last_send_;
  core::Time next_prune_{};
};

}  // namespace reviewbot::delivery
