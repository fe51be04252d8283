// Per-second counts of message calls (sends, edits, callback answers) that ran and of those
// refused by the rate limits, for GET /_mock/timeline: the send-rate curve of a run. Keeps
// the last hour. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace mock_platform {

class Timeline {
 public:
  using Clock = std::chrono::system_clock;

  void record_sent(const std::string& method, Clock::time_point at);
  void record_rate_limited(Clock::time_point at);

  // {"bucket_ms":1000,"buckets":[{"t":<unix second>,"sent":n,"rate_limited":m,
  //  "methods":{"sendMessage":n,...}},...]} in time order, seconds with activity only.
  nlohmann::json to_json() const;

 private:
  struct Bucket {
    std::int64_t sent = 0;
    std::int64_t rate_limited = 0;
    std::map<std::string, std::int64_t> methods;
  };
  Bucket& bucket(Clock::time_point at);  // requires mu_

  mutable std::mutex mu_;
  std::map<std::int64_t, Bucket> buckets_;  // by unix second; guarded by mu_
};

}  // namespace mock_platform
