#include "reviewbot/core/clock.h"

namespace reviewbot::core {

Time SystemClock::now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

}  // namespace reviewbot::core
