#include "reviewbot/delivery/backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace reviewbot::delivery {

core::Duration backoff_ceiling(const BackoffPolicy& policy, int retry) {
  const int doublings = std::max(0, retry - 1);
  core::Duration ceiling = policy.base;
  for (int i = 0; i < doublings && ceiling < policy.cap; ++i) ceiling *= 2;
  return std::min(ceiling, policy.cap);
}

core::Duration backoff_delay(const BackoffPolicy& policy, int retry, double unit) {
  unit = std::clamp(unit, 0.0, 1.0);
  const auto ceiling = backoff_ceiling(policy, retry).count();
  const auto delay = static_cast<core::Duration::rep>(unit * static_cast<double>(ceiling));
  return core::Duration{std::min(delay, std::max<core::Duration::rep>(0, ceiling - 1))};
}

UnitRandom default_unit_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace reviewbot::delivery
