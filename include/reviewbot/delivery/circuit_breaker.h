// CircuitBreaker stops sends to a platform that is down: `failure_threshold` transient
// failures in a row open it for a cool-down (doubling per failed probe, capped); then one
// probe send (half-open) closes it on success or re-opens it. Thread-safe: the dispatcher
// records results while /readyz reads the state.
#pragma once

#include <mutex>

#include "reviewbot/core/types.h"

namespace reviewbot::delivery {

struct BreakerSettings {
  int failure_threshold = 5;              // consecutive transient failures that open it
  core::Duration cool_down{30'000};       // first open period
  core::Duration max_cool_down{300'000};  // doubling stops here (5 min)
};

class CircuitBreaker {
 public:
  enum class State {
    kClosed,    // sending normally
    kOpen,      // sending nothing until the cool-down ends
    kHalfOpen,  // cool-down over: one probe send decides
  };

  explicit CircuitBreaker(BreakerSettings settings = {});

  // kOpen becomes kHalfOpen by itself once the cool-down has passed.
  State state(core::Time now) const;
  // When an open breaker turns half-open; `now` when it is not open.
  core::Time open_until(core::Time now) const;

  // A send got an answer that shows the platform is up (anything but a 5xx, a network
  // error or a timeout): closes the breaker and resets the cool-down.
  void record_success();
  // A transient failure: counts toward the threshold when closed; re-opens with a doubled
  // cool-down when half-open. Ignored while open (a send that started before it opened).
  void record_failure(core::Time now);

 private:
  State state_locked(core::Time now) const;

  const BreakerSettings settings_;
  mutable std::mutex mutex_;  // guards the members below
  bool open_ = false;         // opened and not closed since (kOpen or kHalfOpen)
  int failures_ = 0;          // consecutive, while closed
  core::Duration cool_down_;  // the next (or current) open period
  core::Time open_until_{};
};

const char* to_string(CircuitBreaker::State state);  // "closed" | "open" | "half_open"

}  // namespace reviewbot::delivery
