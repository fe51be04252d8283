// RequestCounts tallies the requests HttpServer answered by route and status code, for
// /metrics. Routes are a fixed list given at construction (paths outside it count as
// "unmatched"), so a client cannot grow the label set. Internal to src/http; thread-safe:
// a table of relaxed atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reviewbot/http/route.h"

namespace reviewbot::http {

class RequestCounts {
 public:
  static constexpr const char* kUnmatched = "unmatched";

  explicit RequestCounts(std::vector<std::string> routes);

  // One answered request. A status outside 100..599 counts as code 0.
  void count(std::string_view path, int status);
  // Every (route, code) counted at least once.
  std::vector<RequestCount> snapshot() const;

 private:
  static constexpr int kCodes = 600;  // index = status code; 0 for out-of-range ones

  std::vector<std::string> routes_;                       // the given routes, then kUnmatched
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // routes_.size() × kCodes
};

}  // namespace reviewbot::http
