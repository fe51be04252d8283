#include "mock_platform/rate_enforcer.h"

#include <algorithm>

namespace mock_platform {
namespace {

constexpr std::chrono::seconds kWindow{1};

int whole_seconds(RateEnforcer::Clock::duration wait) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
  return std::max<int>(1, static_cast<int>((ms + 999) / 1000));
}

}  // namespace

RateEnforcer::RateEnforcer(RateRules rules) : rules_(rules) {}

bool RateEnforcer::counted(const std::string& method) {
  return method.rfind("send", 0) == 0 || method.rfind("edit", 0) == 0 ||
         method == "answerCallbackQuery";
}

std::optional<int> RateEnforcer::admit(std::optional<std::int64_t> chat, Clock::time_point now) {
  if (!rules_.enabled) return std::nullopt;
  std::lock_guard lock(mu_);
  while (!window_.empty() && now - window_.front() >= kWindow) window_.pop_front();
  if (static_cast<int>(window_.size()) >= std::max(1, rules_.per_bot)) {
    return whole_seconds(window_.front() + kWindow - now);
  }
  if (chat) {
    if (auto it = last_call_.find(*chat);
        it != last_call_.end() && now - it->second < rules_.chat_interval) {
      return whole_seconds(it->second + rules_.chat_interval - now);
    }
  }
  window_.push_back(now);
  if (now >= next_prune_) {
    std::erase_if(last_call_,
                  [&](const auto& e) { return now - e.second >= rules_.chat_interval; });
    next_prune_ = now + rules_.chat_interval;
  }
  if (chat) last_call_[*chat] = now;
  return std::nullopt;
}

}  // namespace mock_platform
