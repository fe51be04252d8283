#include "request_counts.h"

#include <algorithm>

namespace reviewbot::http {

RequestCounts::RequestCounts(std::vector<std::string> routes) : routes_(std::move(routes)) {
  routes_.emplace_back(kUnmatched);
  counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(routes_.size() * kCodes);
}

void RequestCounts::count(std::string_view path, int status) {
  const auto known = std::find(routes_.begin(), routes_.end() - 1, path);
  const auto route = static_cast<std::size_t>(known - routes_.begin());
  const int code = status >= 100 && status < kCodes ? status : 0;
  counts_[route * kCodes + static_cast<std::size_t>(code)].fetch_add(1, std::memory_order_relaxed);
}

std::vector<RequestCount> RequestCounts::snapshot() const {
  std::vector<RequestCount> out;
  for (std::size_t route = 0; route < routes_.size(); ++route) {
    for (int code = 0; code < kCodes; ++code) {
      const std::uint64_t n =
          counts_[route * kCodes + static_cast<std::size_t>(code)].load(std::memory_order_relaxed);
      if (n > 0) out.push_back({routes_[route], code, n});
    }
  }
  return out;
}

}  // namespace reviewbot::http
