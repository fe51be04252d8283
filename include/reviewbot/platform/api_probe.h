// ApiProbe answers /readyz's "platform" check: has the Bot API answered getMe? Yes once it
// did at start; until then each call asks again, at most every `retry_every` (a readiness
// probe must not hammer an API that is down). Thread-safe: concurrent calls never wait
// for each other's getMe (one asks, the others answer what is known).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "reviewbot/platform/platform_client.h"

namespace reviewbot::platform {

class ApiProbe {
 public:
  ApiProbe(std::unique_ptr<PlatformClient> client, bool answered_at_start,
           std::chrono::milliseconds retry_every = std::chrono::seconds(5));

  bool answered();

 private:
  std::unique_ptr<PlatformClient> client_;
  const std::chrono::milliseconds retry_every_;
  std::atomic<bool> answered_;
  std::mutex mu_;  // guards next_try_; held while asking
  std::chrono::steady_clock::time_point next_try_{};
};

}  // namespace reviewbot::platform
