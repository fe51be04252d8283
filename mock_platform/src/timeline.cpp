#include "mock_platform/timeline.h"

namespace mock_platform {
namespace {

constexpr std::int64_t kKeepSeconds = 3600;

}  // namespace

Timeline::Bucket& Timeline::bucket(Clock::time_point at) {
  const std::int64_t second =
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  buckets_.erase(buckets_.begin(), buckets_.lower_bound(second - kKeepSeconds + 1));
  return buckets_[second];
}

void Timeline::record_sent(const std::string& method, Clock::time_point at) {
  std::lock_guard lock(mu_);
  Bucket& b = bucket(at);
  ++b.sent;
  ++b.methods[method];
}

void Timeline::record_rate_limited(Clock::time_point at) {
  std::lock_guard lock(mu_);
  ++bucket(at).rate_limited;
}

nlohmann::json Timeline::to_json() const {
  std::lock_guard lock(mu_);
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [second, b] : buckets_) {
    buckets.push_back({{"t", second},
                       {"sent", b.sent},
                       {"rate_limited", b.rate_limited},
                       {"methods", b.methods}});
  }
  return {{"bucket_ms", 1000}, {"buckets", std::move(buckets)}};
}

}  // namespace mock_platform
