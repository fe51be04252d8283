// The load report: throughput, latency per step and correctness counts, as text for
// people or JSON for tools, and the pass/fail verdict that sets the exit status.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "load/options.h"
#include "load/runner.h"
#include "load/verify.h"

namespace load {

struct Report {
  const Options& options;
  const RunResult& run;
  const Verification& verification;
};

// Flows that did not complete.
int lost_flows(const Report& r);
// Duplicated effects: mock_platform's duplicate sends, chats with two requests, and
// reviews stored twice for one chat.
std::int64_t duplicates(const Report& r);
// True when every flow completed, nothing was duplicated and the stored reviews match.
bool passed(const Report& r);

std::string format_text(const Report& r);
nlohmann::json to_json(const Report& r);

}  // namespace load
