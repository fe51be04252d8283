// RateLimiter paces sends as the Bot API asks: at most `per_bot` sends in any one-second
// window over all chats, one send per chat per `per_chat_interval`, and nothing before a
// bot-wide 429 pause ends. Pure (time comes in as arguments); not thread-safe: the
// dispatcher's thread owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "reviewbot/core/types.h"

namespace reviewbot::delivery {

// A sliding window, not a token bucket: no one-second window ever holds more than per_bot
// sends, so a platform counting the same way never answers 429. Send times are those
// record() was given (when the answer came back, so after the platform saw the call);
// waits end 1 ms after the window or interval so the clock's millisecond truncation
// cannot make the platform see two calls closer than the rule.
struct RateLimits {
  int per_bot = 30;                        // sends in any one-second window, all chats
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

  // Records a send made at `now` (not earlier than any recorded before): it enters the
  // window and restarts the chat's interval.
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
  // The recorded send `k` sends back (1 = the latest); nullopt if fewer were recorded.
  std::optional<core::Time> sent_back(int k) const;

  RateLimits limits_;
  std::vector<core::Time> window_;  // the last per_bot send times, a ring
  std::size_t next_ = 0;            // ring slot the next send goes into
  std::size_t recorded_ = 0;        // sends in the ring, up to per_bot
  core::Time paused_until_{};
  std::unordered_map<core::ChatId, core::Time> last_send_;
  core::Time next_prune_{};
};

}  // namespace reviewbot::delivery
