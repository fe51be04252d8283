#include "reviewbot/delivery/rate_limiter.h"

#include <algorithm>

namespace reviewbot::delivery {
namespace {

constexpr core::Duration kWindow{1000};
// Added to every wait: recorded times are truncated to the millisecond.
constexpr core::Duration kGuard{1};

}  // namespace

RateLimiter::RateLimiter(RateLimits limits) : limits_(limits) {
  limits_.per_bot = std::max(1, limits_.per_bot);
  window_.resize(static_cast<std::size_t>(limits_.per_bot));
}

std::optional<core::Time> RateLimiter::sent_back(int k) const {
  if (k < 1 || static_cast<std::size_t>(k) > recorded_) return std::nullopt;
  const std::size_t size = window_.size();
  return window_[(next_ + size - static_cast<std::size_t>(k)) % size];
}

// The window is full when per_bot sends were recorded; the oldest of them must then be
// more than a window old before another may go.
core::Time RateLimiter::bot_allowed_at(core::Time now) const {
  core::Time at = std::max(now, paused_until_);
  if (auto oldest = sent_back(limits_.per_bot)) at = std::max(at, *oldest + kWindow + kGuard);
  return at;
}

int RateLimiter::available(core::Time now) const {
  if (now < paused_until_) return 0;
  // Sends still inside the window at `now` each hold one place.
  int held = 0;
  while (held < limits_.per_bot) {
    const auto t = sent_back(held + 1);
    if (!t || *t + kWindow + kGuard <= now) break;
    ++held;
  }
  return limits_.per_bot - held;
}

core::Time RateLimiter::allowed_at(core::ChatId chat, core::Time now) const {
  core::Time at = bot_allowed_at(now);
  if (chat == 0 || limits_.per_chat_interval.count() <= 0) return at;
  if (auto it = last_send_.find(chat); it != last_send_.end()) {
    at = std::max(at, it->second + limits_.per_chat_interval + kGuard);
  }
  return at;
}

void RateLimiter::record(core::ChatId chat, core::Time now) {
  window_[next_] = now;
  next_ = (next_ + 1) % window_.size();
  recorded_ = std::min(recorded_ + 1, window_.size());
  if (now >= next_prune_) {
    std::erase_if(last_send_, [&](const auto& entry) {
      return now - entry.second > limits_.per_chat_interval;
    });
    next_prune_ = now + limits_.per_chat_interval;
  }
  if (chat != 0 && limits_.per_chat_interval.count() > 0) last_send_[chat] = now;
}

void RateLimiter::pause_until(core::Time until) { paused_until_ = std::max(paused_until_, until); }

}  // namespace reviewbot::delivery
