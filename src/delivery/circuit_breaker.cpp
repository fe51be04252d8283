#include "reviewbot/delivery/circuit_breaker.h"

#include <algorithm>

namespace reviewbot::delivery {

CircuitBreaker::CircuitBreaker(BreakerSettings settings)
    : settings_(settings), cool_down_(settings.cool_down) {}

CircuitBreaker::State CircuitBreaker::state_locked(core::Time now) const {
  if (!open_) return State::kClosed;
  return now < open_until_ ? State::kOpen : State::kHalfOpen;
}

CircuitBreaker::State CircuitBreaker::state(core::Time now) const {
  std::lock_guard lock(mutex_);
  return state_locked(now);
}

core::Time CircuitBreaker::open_until(core::Time now) const {
  std::lock_guard lock(mutex_);
  return state_locked(now) == State::kOpen ? open_until_ : now;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  open_ = false;
  failures_ = 0;
  cool_down_ = settings_.cool_down;
}

void CircuitBreaker::record_failure(core::Time now) {
  std::lock_guard lock(mutex_);
  switch (state_locked(now)) {
    case State::kOpen:
      return;
    case State::kClosed:
      if (++failures_ < std::max(1, settings_.failure_threshold)) return;
      open_ = true;
      open_until_ = now + cool_down_;
      return;
    case State::kHalfOpen:
      cool_down_ = std::min(cool_down_ * 2, std::max(settings_.max_cool_down, settings_.cool_down));
      open_until_ = now + cool_down_;
      return;
  }
}

const char* to_string(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half_open";
  }
  return "invalid";
}

}  // namespace reviewbot::delivery
