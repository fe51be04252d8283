// One simulated customer's review flow, start to finish:
//   create user → trigger (sale event or "thank you!") → wait for the 5-button request →
//   press a rating → wait for the comment prompt → send a comment → wait for the thank-you.
// run_flow blocks the calling thread; it uses only the clients passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "load/json_client.h"
#include "load/options.h"

namespace load {

using Clock = std::chrono::steady_clock;

struct FlowResult {
  int customer = 0;          // 0-based index of the simulated customer
  std::int64_t chat_id = 0;  // mock_platform user id (= private chat id); 0 if not created
  int rating = 0;            // the rating pressed
  std::string comment;       // the comment sent
  bool completed = false;
  int polls = 0;        // transcript GETs made while waiting (the driver's own load)
  std::string failure;  // "<step>: <why>" when not completed
  // Step latencies in milliseconds, valid when completed. A wait is observed by polling,
  // so each includes up to one poll interval.
  double trigger_to_request_ms = 0;
  double press_to_prompt_ms = 0;
  double comment_to_thanks_ms = 0;
  double flow_ms = 0;  // user creation to the thank-you seen
};

struct FlowContext {
  JsonClient& mock;       // mock_platform control API
  JsonClient& reviewbot;  // reviewbot /v1 API (bearer set)
  const Options& options;
  Clock::time_point run_deadline;  // no wait goes past it
};

// The sale event (transaction.completed) for customer `customer` at chat `chat_id`; its
// id and transaction id derive from options.run_id, so a repeat is a duplicate.
nlohmann::json sale_event(const Options& options, int customer, std::int64_t chat_id);

// The rating customer `customer` presses: options.rating, or 1..5 in turn.
int rating_for(const Options& options, int customer);

// Runs the whole flow for one customer. Never throws; failures are in the result.
FlowResult run_flow(int customer, FlowContext& ctx);

}  // namespace load
