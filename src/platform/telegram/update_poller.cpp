#include "reviewbot/platform/telegram/update_poller.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "reviewbot/platform/telegram/update_parser.h"

namespace reviewbot::platform::telegram {

UpdatePoller::UpdatePoller(std::unique_ptr<PlatformClient> client, Accept accept,
                           int poll_timeout_seconds)
    : client_(std::move(client)),
      accept_(std::move(accept)),
      poll_timeout_seconds_(poll_timeout_seconds) {}

UpdatePoller::~UpdatePoller() { stop(); }

void UpdatePoller::start() {
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "update-poller");
    run();
  });
}

void UpdatePoller::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

bool UpdatePoller::poll_once() {
  auto updates = client_->get_updates(offset_, poll_timeout_seconds_, handled_update_types());
  if (!updates.ok()) {
    spdlog::warn("getUpdates failed: {}", updates.error().message);
    return false;
  }
  for (const RawUpdate& raw : *updates) {
    auto parsed = parse_update(raw.json);
    if (parsed.ok() && parsed->event) {
      const store::InboundKey key{store::InboundKey::Source::kTelegramUpdate,
                                  std::to_string(parsed->update_id)};
      const auto result = accept_(key, *parsed->event);
      if (result.status == store::ProcessResult::Status::kUnavailable) {
        spdlog::warn("update {} not committed, will fetch it again: {}", raw.update_id,
                     result.error);
        return false;
      }
    } else if (!parsed.ok()) {
      spdlog::warn("skipping unreadable update {}: {}", raw.update_id, parsed.error().message);
    }
    offset_ = std::max(offset_, raw.update_id + 1);
  }
  return true;
}

void UpdatePoller::run() {
  std::chrono::milliseconds backoff{0};
  while (!stopping_) {
    if (poll_once()) {
      backoff = std::chrono::milliseconds{0};
      continue;
    }
    backoff = std::min(std::chrono::milliseconds{30'000},
                       std::max(std::chrono::milliseconds{500}, backoff * 2));
    for (auto waited = std::chrono::milliseconds{0}; waited < backoff && !stopping_;
         waited += std::chrono::milliseconds{100}) {
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
  }
}

}  // namespace reviewbot::platform::telegram
