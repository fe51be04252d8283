#include "reviewbot/platform/api_probe.h"

#include <spdlog/spdlog.h>

namespace reviewbot::platform {

ApiProbe::ApiProbe(std::unique_ptr<PlatformClient> client, bool answered_at_start,
                   std::chrono::milliseconds retry_every)
    : client_(std::move(client)), retry_every_(retry_every), answered_(answered_at_start) {}

bool ApiProbe::answered() {
  if (answered_.load()) return true;
  std::unique_lock lock(mu_, std::try_to_lock);
  const auto now = std::chrono::steady_clock::now();
  if (!lock || now < next_try_) return false;
  next_try_ = now + retry_every_;
  if (auto me = client_->get_me(); me.ok()) {
    spdlog::info("the Bot API answers getMe now (as @{})", me->username);
    answered_ = true;
  }
  return answered_.load();
}

}  // namespace reviewbot::platform
