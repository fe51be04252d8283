// BotApiClient is the libcurl PlatformClient for the Telegram Bot API (or mock_platform):
// it POSTs JSON to <api_url>/bot<token>/<method> and classifies the answer. Each instance
// owns one CURL easy handle, reused across calls for keep-alive, so an instance is NOT
// thread-safe: give each dispatcher thread its own. The token never appears in results.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "reviewbot/core/result.h"
#include "reviewbot/platform/platform_client.h"

namespace reviewbot::platform::telegram {

struct BotApiOptions {
  std::string api_url = "https://api.telegram.org";  // no trailing slash needed
  std::string token;                                 // "123456:ABC..."
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  // Whole-call limit; get_updates adds its long-poll timeout on top.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(15)};
};

class BotApiClient final : public PlatformClient {
 public:
  // Initializes libcurl for the process. Call once from main before any thread starts
  // and before the first BotApiClient is built; returns an error if libcurl refuses.
  static core::Status global_init();

  explicit BotApiClient(BotApiOptions options);
  ~BotApiClient() override;
  BotApiClient(const BotApiClient&) = delete;
  BotApiClient& operator=(const BotApiClient&) = delete;

  // sendMessage / editMessageText / editMessageReplyMarkup / answerCallbackQuery.
  SendResult send(const core::MessageBody& body) override;
  // Thread-safe; the transfer in progress ends within about a second (libcurl's progress
  // callback), later calls fail at once.
  void cancel() override;

  // Errors carry the platform's description or the network error, never the token.
  core::Result<BotInfo> get_me() override;
  core::Status set_webhook(const WebhookSettings& settings) override;
  core::Status delete_webhook() override;
  core::Result<WebhookInfo> get_webhook_info() override;
  // A 409 means another getUpdates poller or a webhook is active; the error says so.
  core::Result<std::vector<RawUpdate>> get_updates(
      int64_t offset, int timeout_seconds, const std::vector<std::string>& allowed) override;

 private:
  struct Answer;  // one call's outcome: HTTP status and body, or a transport failure

  Answer call(const std::string& method, const std::string& json_body,
              std::chrono::milliseconds timeout);
  SendResult to_send_result(const Answer& answer) const;
  // For the non-send calls: the "result" field on success, else an error naming `method`.
  core::Result<nlohmann::json> call_for_result(const std::string& method,
                                               const nlohmann::json& params,
                                               std::chrono::milliseconds timeout);
  std::string redact(std::string text) const;

  BotApiOptions options_;
  std::string url_prefix_;  // <api_url>/bot<token>/ — secret, never reported

  // The easy handle and the buffers it points at; used by one thread at a time.
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string request_body_;
  std::string response_body_;
  bool request_started_ = false;
  std::atomic<bool> cancelled_{false};  // set by cancel() from any thread
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace reviewbot::platform::telegram
