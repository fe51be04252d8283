// UpdatePoller runs getUpdates long polling (UPDATES_MODE=polling) on its own thread and
// feeds each update to `accept`, advancing the offset only past updates whose effects
// were committed (kApplied or kDuplicate). When the store cannot commit it backs off and
// asks for the same updates again. Owns its PlatformClient; start/stop from one thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "reviewbot/core/events.h"
#include "reviewbot/platform/platform_client.h"
#include "reviewbot/store/input_store.h"

namespace reviewbot::platform::telegram {

class UpdatePoller {
 public:
  using Accept = std::function<store::ProcessResult(const store::InboundKey&, const core::Event&)>;

  UpdatePoller(std::unique_ptr<PlatformClient> client, Accept accept,
               int poll_timeout_seconds = 10);
  ~UpdatePoller();
  UpdatePoller(const UpdatePoller&) = delete;
  UpdatePoller& operator=(const UpdatePoller&) = delete;

  void start();
  // Returns after the current long poll ends (at most poll_timeout_seconds).
  void stop();

  // One poll and its processing; returns false when it should back off. For tests.
  bool poll_once();

 private:
  void run();

  std::unique_ptr<PlatformClient> client_;
  Accept accept_;
  int poll_timeout_seconds_;
  int64_t offset_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace reviewbot::platform::telegram
