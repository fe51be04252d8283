// The burst benchmark: options.customers sale events posted at once (options.concurrency
// connections), then the review requests drained through the Bot API's rate limits.
// Measures acknowledgement latency, the send-rate curve (mock_platform's timeline) and
// checks none was lost, duplicated or refused with 429. Blocks the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/options.h"
#include "load/percentiles.h"

namespace load {

struct BurstResult {
  int events = 0;
  int acked = 0;                  // answered 202 (after retrying 503s)
  double ack_all_s = 0;           // burst start to the last acknowledgement
  Summary ack_ms;                 // per event, from its first attempt to its 2xx
  double delivered_s = 0;         // burst start to the last request seen sent
  int delivered = 0;              // customers with exactly one request
  int lost = 0;                   // customers with none
  int duplicated = 0;             // customers with more than one
  std::int64_t rate_limited = 0;  // 429s mock_platform answered (enforced or otherwise)
  std::int64_t duplicate_sends = 0;
  std::int64_t requests_sent = -1;  // reviewbot's /v1/stats; -1 when unreadable
  // Message calls per second (mock_platform's timeline, from the first active second).
  std::vector<std::int64_t> per_second;
  std::int64_t max_per_second = 0;
  std::vector<std::string> errors;  // first few failures, for the report
};

BurstResult run_burst(const Options& options);
std::string format_burst(const Options& options, const BurstResult& result);
// Every event acknowledged, every customer got exactly one request, no 429, and
// reviewbot counted them all.
bool burst_passed(const BurstResult& result, const Options& options);

}  // namespace load
