// Fault rules that make Bot API calls misbehave on purpose (errors, throttling, latency,
// hangs, outages, dropped connections), matched per method and consumed per call.
// Thread-safe; randomness comes from a seeded generator so runs can be repeated.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "mock_platform/result.h"

namespace mock_platform {

struct FaultRule {
  std::optional<std::string> method;    // absent = every method (compared case-insensitively)
  int status = 0;                       // HTTP error to answer, 0 = none
  std::optional<int> count;             // calls left to affect; absent = unlimited
  int retry_after = 0;                  // seconds, sent as parameters.retry_after
  double rate = 1.0;                    // probability a matching call is affected
  int latency_ms = 0;                   // added before the call is handled
  bool hang = false;                    // hold the request, then answer nothing useful
  int hang_ms = 60000;                  // how long a hang holds the request
  int outage_seconds = 0;               // every matching call fails for this long
  bool drop_connection = false;         // cut the response off after its headers
  bool execute = false;                 // with hang: run the call first, then hold the answer
  std::string description;              // replaces the error text of `status`; "" = default
  std::optional<std::int64_t> chat_id;  // only calls to this chat; absent = any chat
  std::chrono::steady_clock::time_point outage_until{};
};

// What to do to one call. A call with a non-zero status is answered with that error and
// not executed; latency applies first in every case.
struct FaultAction {
  int latency_ms = 0;
  bool hang = false;
  int hang_ms = 0;
  bool drop_connection = false;
  bool execute = false;  // hang after running the call (it took effect, the answer is lost)
  int status = 0;
  int retry_after = 0;
  std::string description;
  bool any() const { return latency_ms > 0 || hang || drop_connection || status != 0; }
};

// Parses {"method","status","count","retry_after","rate","latency_ms","hang","hang_ms",
// "outage_seconds","drop_connection","execute","description","chat_id"}. Errors (400)
// name the bad field; a rule with no effect is an error; "execute" needs "hang". `status` 429
// without retry_after gets retry_after 1; an outage without status answers 502.
Result<FaultRule> parse_fault_rule(const nlohmann::json& body);

class FaultInjector {
 public:
  explicit FaultInjector(std::uint64_t seed = 42);

  void add(FaultRule rule);
  void clear();
  nlohmann::json to_json() const;

  // Consumes matching rules for one call of `method` to `chat` (nullopt: a call with no
  // chat) and merges their effects: latencies add up, the first rule with a status decides
  // it. Exhausted rules are removed.
  FaultAction decide(const std::string& method, std::optional<std::int64_t> chat = std::nullopt);

 private:
  mutable std::mutex mu_;
  // Guarded by mu_:
  std::vector<FaultRule> rules_;
  std::mt19937_64 rng_;
};

// The Bot API error a fault answers with: the rule's description if it has one, else 429
// "Too Many Requests: retry after N", 5xx with the usual reason phrase, 4xx generic; a 429
// always carries parameters.retry_after.
ApiError fault_error(const FaultAction& action);

}  // namespace mock_platform
