#include "load/runner.h"

#include <atomic>
#include <thread>

namespace load {

RunResult run_customers(const Options& options) {
  RunResult result;
  result.flows.resize(static_cast<std::size_t>(options.customers));
  std::atomic<int> next{0};
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(options.timeout_s);

  auto worker = [&](std::size_t w) {
    JsonClient mock(options.mock_url, "", options.step_timeout_s);
    JsonClient reviewbot(options.reviewbot_urls[w % options.reviewbot_urls.size()],
                         options.admin_token, options.step_timeout_s);
    FlowContext ctx{mock, reviewbot, options, deadline};
    for (int i = next++; i < options.customers; i = next++) {
      FlowResult& slot = result.flows[static_cast<std::size_t>(i)];  // only this thread
      if (Clock::now() >= deadline) {
        slot.customer = i;
        slot.rating = rating_for(options, i);
        slot.failure = "not started before the run deadline";
        continue;
      }
      slot = run_flow(i, ctx);
    }
  };

  std::vector<std::thread> threads;
  const int n = std::min(options.concurrency, options.customers);
  threads.reserve(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker, static_cast<std::size_t>(t));
  for (auto& t : threads) t.join();
  result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace load
