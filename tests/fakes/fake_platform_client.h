// A PlatformClient that records every send and answers from a script (then kOk with
// increasing message ids). Thread-safe, so a test can read what the dispatcher thread sent.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "reviewbot/platform/platform_client.h"

namespace reviewbot::testing {

class FakePlatformClient : public platform::PlatformClient {
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
  // set_webhook records its settings and answers `webhook_answer`; get_webhook_info
  // answers `webhook_info` and counts calls. Set them before the code under test runs.
  core::Status webhook_answer = core::ok_status();
  core::Result<platform::WebhookInfo> webhook_info = platform::WebhookInfo{};
  std::vector<platform::WebhookSettings> webhooks_set() const {
    std::lock_guard lock(mutex_);
    return webhooks_;
  }
  int webhook_info_calls() const {
    std::lock_guard lock(mutex_);
    return webhook_info_calls_;
  }
  core::Status set_webhook(const platform::WebhookSettings& settings) override {
    std::lock_guard lock(mutex_);
    webhooks_.push_back(settings);
    return webhook_answer;
  }
  core::Status delete_webhook() override { return core::ok_status(); }
  core::Result<platform::WebhookInfo> get_webhook_info() override {
    std::lock_guard lock(mutex_);
    ++webhook_info_calls_;
    return webhook_info;
  }
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
  std::vector<platform::WebhookSettings> webhooks_;
  int webhook_info_calls_ = 0;
  std::deque<platform::SendResult> script_;
  std::vector<core::MessageBody> sent_;
  std::function<void(const core::MessageBody&)> on_send_;
  int64_t next_message_id_ = 1000;
  std::deque<core::Result<std::vector<platform::RawUpdate>>> updates_;
  std::vector<int64_t> offsets_;
};

}  // namespace reviewbot::testing
