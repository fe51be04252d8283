#include "reviewbot/delivery/rate_limiter.h"

#include <algorithm>

namespace reviewbot::delivery {
namespace {

int64_t micros(core::Time t) { return core::to_millis(t) * 1000; }

// The first whole millisecond at or after `us`.
core::Time ceil_millis(int64_t us) { return core::from_millis((us + 999) / 1000); }

}  // namespace

RateLimiter::RateLimiter(RateLimits limits)
    : limits_(limits),
      emission_us_((1'000'000 + std::max(1, limits.per_bot) - 1) / std::max(1, limits.per_bot)),
      theoretical_us_(0) {
  limits_.per_bot = std::max(1, limits_.per_bot);
}

// A generic cell rate algorithm, equivalent to a token bucket: each send pushes the
// theoretical time one emission interval on; a send may go while that time is at most
// `per_bot - 1` intervals ahead of now.
core::Time RateLimiter::bot_allowed_at(core::Time now) const {
  const int64_t bucket_us = theoretical_us_ - (limits_.per_bot - 1) * emission_us_;
  return std::max({now, paused_until_, ceil_millis(bucket_us)});
}

int RateLimiter::available(core::Time now) const {
  if (now < paused_until_) return 0;
  const int64_t ahead_us = std::max<int64_t>(0, theoretical_us_ - micros(now));
  // The k-th further send (k from 0) may go while ahead + k * T <= (per_bot - 1) * T.
  const int64_t slack_us = (limits_.per_bot - 1) * emission_us_ - ahead_us;
  if (slack_us < 0) return 0;
  return static_cast<int>(std::min<int64_t>(limits_.per_bot, slack_us / emission_us_ + 1));
}

core::Time RateLimiter::allowed_at(core::ChatId chat, core::Time now) const {
  core::Time at = bot_allowed_at(now);
  if (chat == 0) return at;
  if (auto it = last_send_.find(chat); it != last_send_.end()) {
    at = std::max(at, it->second + limits_.per_chat_interval);
  }
  return at;
}

void RateLimiter::record(core::ChatId chat, core::Time now) {
  theoretical_us_ = std::max(theoretical_us_, micros(now)) + emission_us_;
  if (now >= next_prune_) {
    std::erase_if(last_send_, [&](const auto& entry) {
      return now - entry.second >= limits_.per_chat_interval;
    });
    next_prune_ = now + limits_.per_chat_interval;
  }
  if (chat != 0) last_send_[chat] = now;
}

void RateLimiter::pause_until(core::Time until) { paused_until_ = std::max(paused_until_, until); }

}  // namespace reviewbot::delivery
