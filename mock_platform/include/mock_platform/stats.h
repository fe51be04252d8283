// Counters the simulator exposes at GET /_mock/stats: Bot API calls per method and HTTP
// result, webhook deliveries and retries, and duplicate sends (the same text sent to a chat
// again before the customer said anything). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace mock_platform {

class Stats {
 public:
  void record_call(const std::string& method, int status);
  void record_delivered();
  void record_delivery_retry();
  void record_duplicate_send();
  void record_rate_limited();  // a call refused by the enforced rate limits

  // {"calls":{"sendMessage":{"200":3,"400":1}},"updates_delivered":N,
  //  "delivery_retries":N,"duplicate_sends":N,"rate_limited":N}
  nlohmann::json to_json() const;
  std::int64_t calls(const std::string& method, int status) const;

 private:
  mutable std::mutex mu_;
  // Guarded by mu_:
  std::map<std::string, std::map<int, std::int64_t>> calls_;
  std::int64_t delivered_ = 0;
  std::int64_t retries_ = 0;
  std::int64_t duplicates_ = 0;
  std::int64_t rate_limited_ = 0;
};

}  // namespace mock_platform
