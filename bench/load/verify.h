// Correctness checks after a run, from the outside: the final chat transcripts and
// mock_platform's /_mock/stats (duplicates, calls), and reviewbot's /v1/stats and
// /v1/reviews (what was stored). Waits first until mock_platform's call counters stop
// moving, so late duplicates are seen.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "load/flow.h"
#include "load/options.h"

namespace load {

struct Verification {
  // From the chats (GET /_mock/chats/{id}) of every created customer.
  std::int64_t requests_seen = 0;        // rating requests across all chats
  int chats_with_duplicate_request = 0;  // chats holding more than one request
  // From GET /_mock/stats.
  std::int64_t mock_duplicate_sends = 0;
  std::int64_t updates_delivered = 0;
  std::int64_t delivery_retries = 0;
  nlohmann::json mock_calls = nlohmann::json::object();  // method → status → count
  // From GET /v1/stats.
  std::int64_t stats_requests_sent = 0;
  std::int64_t stats_responses = 0;
  std::array<std::int64_t, 5> stats_distribution{};  // ratings 1..5
  // From GET /v1/reviews, all pages.
  std::int64_t reviews_listed = 0;
  int reviews_duplicated = 0;  // reviews beyond the first for one chat
  int reviews_mismatched = 0;  // completed flows whose stored rating/comment differ
  int reviews_missing = 0;     // completed flows with no stored review
  // Expected from the driver's side: completed flows per rating 1..5.
  std::array<std::int64_t, 5> expected_distribution{};
  std::vector<std::string> errors;  // checks that could not run, or disagreed
};

Verification verify(const Options& options, const std::vector<FlowResult>& flows);

}  // namespace load
