// A Clock the test moves by hand. Thread-safe.
#pragma once

#include <atomic>

#include "reviewbot/core/clock.h"

namespace reviewbot::testing {

class FakeClock final : public core::Clock {
 public:
  explicit FakeClock(core::Time start = core::from_millis(1'795'000'000'000))
      : now_(core::to_millis(start)) {}
  core::Time now() const override { return core::from_millis(now_.load()); }
  void set(core::Time t) { now_ = core::to_millis(t); }
  void advance(core::Duration d) { now_ += d.count(); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace reviewbot::testing
