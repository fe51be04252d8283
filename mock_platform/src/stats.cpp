#include "mock_platform/stats.h"

namespace mock_platform {

void Stats::record_call(const std::string& method, int status) {
  std::lock_guard lock(mu_);
  ++calls_[method][status];
}

void Stats::record_delivered() {
  std::lock_guard lock(mu_);
  ++delivered_;
}

void Stats::record_delivery_retry() {
  std::lock_guard lock(mu_);
  ++retries_;
}

void Stats::record_duplicate_send() {
  std::lock_guard lock(mu_);
  ++duplicates_;
}

void Stats::record_rate_limited() {
  std::lock_guard lock(mu_);
  ++rate_limited_;
}

std::int64_t Stats::calls(const std::string& method, int status) const {
  std::lock_guard lock(mu_);
  const auto m = calls_.find(method);
  if (m == calls_.end()) return 0;
  const auto s = m->second.find(status);
  return s == m->second.end() ? 0 : s->second;
}

nlohmann::json Stats::to_json() const {
  std::lock_guard lock(mu_);
  nlohmann::json calls = nlohmann::json::object();
  for (const auto& [method, by_status] : calls_) {
    for (const auto& [status, n] : by_status) calls[method][std::to_string(status)] = n;
  }
  return {{"calls", std::move(calls)},
          {"updates_delivered", delivered_},
          {"delivery_retries", retries_},
          {"duplicate_sends", duplicates_},
          {"rate_limited", rate_limited_}};
}

}  // namespace mock_platform
