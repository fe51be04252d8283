// Retry delays for failed sends: exponential backoff with full jitter (a uniform delay
// between 0 and min(cap, base * 2^(n-1)) for the n-th retry), so many messages failing at
// once do not retry in lockstep. Pure; thread-safe. The random draw is passed in.
#pragma once

#include <functional>

#include "reviewbot/core/types.h"

namespace reviewbot::delivery {

struct BackoffPolicy {
  core::Duration base{1000};    // ceiling of the first retry's delay
  core::Duration cap{300'000};  // ceiling never exceeds this (5 min)
};

// A uniform draw in [0, 1).
using UnitRandom = std::function<double()>;

// The largest delay for the n-th retry (n >= 1): min(cap, base * 2^(n-1)).
core::Duration backoff_ceiling(const BackoffPolicy& policy, int retry);

// Full jitter: floor(unit * ceiling). `unit` outside [0, 1) is clamped.
core::Duration backoff_delay(const BackoffPolicy& policy, int retry, double unit);

// A UnitRandom over a std::mt19937_64 seeded from std::random_device. The returned
// function is not thread-safe; give each thread its own.
UnitRandom default_unit_random();

}  // namespace reviewbot::delivery
