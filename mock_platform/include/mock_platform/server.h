// The HTTP adapter: serves the Bot API at /bot<token>/<method>, the control API at
// /_mock/... and the chat page at /, applying fault rules and counting calls. Owns every part of
// the simulator (state, update queue, webhook delivery). Construct, bind(), run() on one thread and
// stop() from any other; stop() also ends long polls, hangs and webhook delivery.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "mock_platform/bot.h"
#include "mock_platform/bot_api.h"
#include "mock_platform/control_api.h"
#include "mock_platform/fault_injector.h"
#include "mock_platform/options.h"
#include "mock_platform/params.h"
#include "mock_platform/rate_enforcer.h"
#include "mock_platform/stats.h"
#include "mock_platform/till.h"
#include "mock_platform/timeline.h"
#include "mock_platform/update_queue.h"
#include "mock_platform/webhook_deliverer.h"

namespace mock_platform {

class MockServer {
 public:
  explicit MockServer(const Options& options);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Binds options.host:options.port (0 = any free port) with a deep accept backlog.
  // Returns the bound port, or an error describing why binding failed.
  Result<int> bind();
  // Serves until stop(). Requires a successful bind(). Returns false on a listen failure.
  bool run();
  // Thread-safe and idempotent.
  void stop();
  // True once run() accepts connections.
  bool running() const { return server_.is_running(); }

 private:
  void install_routes();
  void handle_bot_api(const httplib::Request& req, httplib::Response& res);
  // Runs a Bot API call and counts it (stats, and the timeline for message calls).
  Result<nlohmann::json> execute(const std::string& method, const Params& params);
  // Sleeps up to `duration`; returns false when stop() interrupted it.
  bool sleep_unless_stopped(std::chrono::milliseconds duration);

  const Options options_;
  Stats stats_;
  UpdateQueue queue_;
  FaultInjector faults_;
  RateEnforcer rate_;
  Timeline timeline_;
  Bot bot_;
  WebhookDeliverer webhook_;
  BotApi api_;
  ControlApi control_;
  Till till_;
  httplib::Server server_;
  std::atomic<int> listen_fd_{-1};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
};

}  // namespace mock_platform
