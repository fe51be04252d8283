// Telegram's flood limits, enforced when asked (--rate-limits): at most `per_bot` message
// calls (sends, edits, callback answers) in any one-second window, and calls to one chat at
// least `chat_interval` apart. A call over a limit is refused with the seconds to wait and
// does not count. Thread-safe; memory stays bounded (idle chats are forgotten).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace mock_platform {

struct RateRules {
  bool enabled = false;                           // --rate-limits
  int per_bot = 30;                               // --rate-limit-per-bot
  std::chrono::milliseconds chat_interval{1000};  // --rate-limit-chat-interval-ms
};

class RateEnforcer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateEnforcer(RateRules rules);

  // Whether calls of `method` count: send*, edit*, answerCallbackQuery.
  static bool counted(const std::string& method);

  // For a counted call to `chat` (nullopt: no chat, e.g. a callback answer) at `now`:
  // nullopt if it may run (it is then counted), else the whole seconds until it would be
  // allowed (at least 1). Always nullopt when the rules are not enabled.
  std::optional<int> admit(std::optional<std::int64_t> chat, Clock::time_point now);

 private:
  const RateRules rules_;
  std::mutex mu_;
  // Guarded by mu_:
  std::deque<Clock::time_point> window_;  // admitted calls of the last second, oldest first
  std::unordered_map<std::int64_t, Clock::time_point> last_call_;
  Clock::time_point next_prune_{};
};

}  // namespace mock_platform
