// Clock is the seam to wall-clock time: the engine takes `now` as an argument, and the
// services that need the time (intake, dispatcher, scheduler) get a Clock in their
// constructor so tests can use tests/fakes/fake_clock.h. Implementations are thread-safe.
#pragma once

#include "reviewbot/core/types.h"

namespace reviewbot::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time now() const = 0;
};

// The system wall clock.
class SystemClock final : public Clock {
 public:
  Time now() const override;
};

}  // namespace reviewbot::core
