#include "mock_platform/fault_injector.h"

#include <algorithm>
#include <cctype>

namespace mock_platform {

namespace {

bool same_method(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

ApiError field_error(const std::string& field, const std::string& what) {
  return {400, "fault field \"" + field + "\" " + what, {}};
}

}  // namespace

Result<FaultRule> parse_fault_rule(const nlohmann::json& b) {
  if (!b.is_object()) return ApiError{400, "fault rule must be a JSON object", {}};
  FaultRule r;
  const auto int_field = [&](const char* name, int& out, int min, int max) -> Status {
    if (!b.contains(name) || b[name].is_null()) return Ok{};
    if (!b[name].is_number_integer()) return field_error(name, "must be an integer");
    const auto v = b[name].get<std::int64_t>();
    if (v < min || v > max) {
      return field_error(name, "must be in " + std::to_string(min) + ".." + std::to_string(max));
    }
    out = static_cast<int>(v);
    return Ok{};
  };
  const auto bool_field = [&](const char* name, bool& out) -> Status {
    if (!b.contains(name) || b[name].is_null()) return Ok{};
    if (!b[name].is_boolean()) return field_error(name, "must be a boolean");
    out = b[name].get<bool>();
    return Ok{};
  };
  if (b.contains("method") && !b["method"].is_null()) {
    if (!b["method"].is_string()) return field_error("method", "must be a string");
    r.method = b["method"].get<std::string>();
  }
  int count = 0;
  for (auto st :
       {int_field("status", r.status, 0, 599), int_field("count", count, 1, 1000000000),
        int_field("retry_after", r.retry_after, 0, 3600),
        int_field("latency_ms", r.latency_ms, 0, 600000),
        int_field("hang_ms", r.hang_ms, 1, 600000),
        int_field("outage_seconds", r.outage_seconds, 0, 86400), bool_field("hang", r.hang),
        bool_field("drop_connection", r.drop_connection), bool_field("execute", r.execute)}) {
    if (!st) return st.error();
  }
  if (r.execute && !r.hang) return field_error("execute", "needs \"hang\": true");
  if (b.contains("description") && !b["description"].is_null()) {
    if (!b["description"].is_string()) return field_error("description", "must be a string");
    r.description = b["description"].get<std::string>();
  }
  if (b.contains("chat_id") && !b["chat_id"].is_null()) {
    if (!b["chat_id"].is_number_integer()) return field_error("chat_id", "must be an integer");
    r.chat_id = b["chat_id"].get<std::int64_t>();
  }
  if (r.status != 0 && r.status < 400) return field_error("status", "must be 400..599");
  if (b.contains("count") && !b["count"].is_null()) r.count = count;
  if (b.contains("rate") && !b["rate"].is_null()) {
    if (!b["rate"].is_number()) return field_error("rate", "must be a number");
    r.rate = b["rate"].get<double>();
    if (r.rate < 0.0 || r.rate > 1.0) return field_error("rate", "must be in 0..1");
  }
  if (r.status == 429 && r.retry_after == 0) r.retry_after = 1;
  if (r.outage_seconds > 0) {
    if (r.status == 0) r.status = 502;
    r.outage_until = std::chrono::steady_clock::now() + std::chrono::seconds(r.outage_seconds);
  }
  if (r.status == 0 && r.latency_ms == 0 && !r.hang && !r.drop_connection) {
    return ApiError{400,
                    "fault rule has no effect: set status, latency_ms, hang, "
                    "outage_seconds or drop_connection",
                    {}};
  }
  return r;
}

FaultInjector::FaultInjector(std::uint64_t seed) : rng_(seed) {}

void FaultInjector::add(FaultRule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(std::move(rule));
}

void FaultInjector::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

nlohmann::json FaultInjector::to_json() const {
  std::lock_guard lock(mu_);
  auto out = nlohmann::json::array();
  for (const auto& r : rules_) {
    nlohmann::json j = {{"method", r.method ? nlohmann::json(*r.method) : nlohmann::json()},
                        {"rate", r.rate}};
    if (r.status) j["status"] = r.status;
    if (r.count) j["count"] = *r.count;
    if (r.retry_after) j["retry_after"] = r.retry_after;
    if (r.latency_ms) j["latency_ms"] = r.latency_ms;
    if (r.hang) j["hang"] = true;
    if (r.outage_seconds) j["outage_seconds"] = r.outage_seconds;
    if (r.drop_connection) j["drop_connection"] = true;
    if (r.execute) j["execute"] = true;
    if (!r.description.empty()) j["description"] = r.description;
    if (r.chat_id) j["chat_id"] = *r.chat_id;
    out.push_back(std::move(j));
  }
  return out;
}

FaultAction FaultInjector::decide(const std::string& method, std::optional<std::int64_t> chat) {
  std::lock_guard lock(mu_);
  FaultAction action;
  const auto now = std::chrono::steady_clock::now();
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (auto& r : rules_) {
    if (r.method && !same_method(*r.method, method)) continue;
    if (r.chat_id && r.chat_id != chat) continue;
    if (r.outage_seconds > 0) {
      if (now < r.outage_until && action.status == 0) {
        action.status = r.status;
        action.description = r.description;
      }
      continue;
    }
    if (r.count && *r.count <= 0) continue;
    if (r.rate < 1.0 && unit(rng_) >= r.rate) continue;
    if (r.count) --*r.count;
    action.latency_ms += r.latency_ms;
    if (r.hang) {
      action.hang = true;
      action.hang_ms = std::max(action.hang_ms, r.hang_ms);
      action.execute = action.execute || r.execute;
    }
    action.drop_connection = action.drop_connection || r.drop_connection;
    if (r.status != 0 && action.status == 0) {
      action.status = r.status;
      action.retry_after = r.retry_after;
      action.description = r.description;
    }
  }
  std::erase_if(rules_, [&](const FaultRule& r) {
    return (r.count && *r.count <= 0) || (r.outage_seconds > 0 && now >= r.outage_until);
  });
  return action;
}

ApiError fault_error(const FaultAction& action) {
  if (!action.description.empty()) {
    nlohmann::json parameters;
    if (action.status == 429) parameters = {{"retry_after", action.retry_after}};
    return {action.status, action.description, parameters};
  }
  switch (action.status) {
    case 429:
      return {429,
              "Too Many Requests: retry after " + std::to_string(action.retry_after),
              {{"retry_after", action.retry_after}}};
    case 500:
      return {500, "Internal Server Error", {}};
    case 502:
      return {502, "Bad Gateway", {}};
    case 503:
      return {503, "Service Unavailable", {}};
    case 504:
      return {504, "Gateway Timeout", {}};
    default:
      break;
  }
  if (action.status >= 500) return {action.status, "Internal Server Error", {}};
  return {action.status, "Bad Request: simulated failure", {}};
}

}  // namespace mock_platform
