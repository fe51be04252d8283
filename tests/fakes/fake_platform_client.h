// A PlatformClient that records every send and answers from a script (then kOk with
// increasing message ids). Thread-safe, so a test can read what the dispatcher thread sent.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "reviewbot/platform/platform_client.h"

namespace reviewbot::testing {

class FakePlatformClient final : public platform::PlatformClient {
 public:
  // Queues answers for the next sends, in order.
  void script(std::vector<platform::SendResult> results) {
    std::lock_guard lock(mutex_);
    for (auto& r : results) script_.push_back(std::move(r));
  }
  // Called with each body as it is sent, before the answer (under the client's lock).
  void on_send(std::function<void(const core::MessageBody&)> hook) {
    std::lock_guard lock(mutex_);
    on_send_ = std::move(hook);
  }
  std::vector<core::MessageBody> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  std::size_t send_count() const {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }

  platform::SendResult send(const core::MessageBody& body) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(body);
    if (on_send_) on_send_(body);
    if (!script_.empty()) {
      auto r = script_.front();
      script_.pop_front();
      return r;
    }
    platform::SendResult ok;
    ok.kind = platform::SendResult::Kind::kOk;
    ok.message_id = next_message_id_++;
    ok.http_status = 200;
    return ok;
  }

  core::Result<platform::BotInfo> get_me() override { return platform::BotInfo{1, "test_bot"}; }
  core::Status set_webhook(const platform::WebhookSettings&) override { return core::ok_status(); }
  core::Status delete_webhook() override { return core::ok_status(); }
  // Queues answers for the next get_updates calls; once empty, it answers no updates.
  void script_updates(core::Result<std::vector<platform::RawUpdate>> answer) {
    std::lock_guard lock(mutex_);
    updates_.push_back(std::move(answer));
  }
  // The offset of every get_updates call, in order.
  std::vector<int64_t> polled_offsets() const {
    std::lock_guard lock(mutex_);
    return offsets_;
  }
  core::Result<std::vector<platform::RawUpdate>> get_updates(
      int64_t offset, int, const std::vector<std::string>&) override {
    std::lock_guard lock(mutex_);
    offsets_.push_back(offset);
    if (updates_.empty()) return std::vector<platform::RawUpdate>{};
    auto answer = updates_.front();
    updates_.pop_front();
    return answer;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<platform::SendResult> script_;
  std::vector<core::MessageBody> sent_;
  std::function<void(const core::MessageBody&)> on_send_;
  int64_t next_message_id_ = 1000;
  std::deque<core::Result<std::vector<platform::RawUpdate>>> updates_;
  std::vector<int64_t> offsets_;
};

}  // namespace reviewbot::testing
