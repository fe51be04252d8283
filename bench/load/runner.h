// Runs options.customers flows on options.concurrency worker threads. Each worker owns
// its keep-alive clients and runs one flow at a time, taking the next customer index from
// a shared counter. Customers not started before the run deadline are reported as lost.
#pragma once

#include <vector>

#include "load/flow.h"
#include "load/options.h"

namespace load {

struct RunResult {
  std::vector<FlowResult> flows;  // one per customer, by index
  double wall_s = 0;              // first flow started to last flow finished
};

RunResult run_customers(const Options& options);

}  // namespace load
