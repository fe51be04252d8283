// Delivers queued updates to the bot's webhook the way Telegram does: POST of the update
// JSON with X-Telegram-Bot-Api-Secret-Token, at most max_connections requests in flight,
// one update per chat at a time, retries with capped exponential backoff or Retry-After.
// Owns its worker threads. Thread-safe; set()/clear() may block until in-flight posts end.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mock_platform/stats.h"
#include "mock_platform/update_queue.h"

namespace mock_platform {

struct WebhookUrl {
  std::string scheme_host_port;  // "http://127.0.0.1:8080"
  std::string path;              // "/webhook/telegram", never empty
};

// Accepts http:// and https:// URLs with a host; nullopt otherwise.
std::optional<WebhookUrl> parse_webhook_url(const std::string& url);

struct WebhookConfig {
  std::string url;
  std::string secret_token;  // empty = no header
  int max_connections = 40;  // 1..100
};

struct DeliveryOptions {
  std::chrono::milliseconds timeout{10000};          // connect + read, per attempt
  std::chrono::milliseconds backoff_initial{100};    // first retry delay
  std::chrono::milliseconds backoff_max{5000};       // cap for doubling delays
  std::chrono::milliseconds retry_after_max{60000};  // cap for a Retry-After answer
};

// Delay before attempt `attempt + 1` after `attempt` failures without Retry-After:
// backoff_initial * 2^(attempt-1), capped at backoff_max.
std::chrono::milliseconds backoff_delay(const DeliveryOptions& options, int attempt);

class WebhookDeliverer {
 public:
  WebhookDeliverer(UpdateQueue& queue, Stats& stats, DeliveryOptions options);
  ~WebhookDeliverer();  // stops and joins the workers
  WebhookDeliverer(const WebhookDeliverer&) = delete;
  WebhookDeliverer& operator=(const WebhookDeliverer&) = delete;

  // Starts delivering to `config.url` (which parse_webhook_url must accept), replacing
  // any earlier webhook; clears the last error when the URL changes.
  void set(const WebhookConfig& config);
  // Stops delivering; pending updates stay for getUpdates.
  void clear();
  std::optional<WebhookConfig> config() const;

  struct LastError {
    std::int64_t date = 0;  // unix seconds
    std::string message;
  };
  std::optional<LastError> last_error() const;

 private:
  void stop_workers();  // requires workers_mu_
  void worker(WebhookConfig config, WebhookUrl url);
  void record_error(std::string message);

  UpdateQueue& queue_;
  Stats& stats_;
  const DeliveryOptions options_;

  std::mutex workers_mu_;  // serializes set/clear
  // Guarded by workers_mu_:
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_{false};

  mutable std::mutex mu_;
  // Guarded by mu_:
  std::optional<WebhookConfig> config_;
  std::optional<LastError> last_error_;
};

}  // namespace mock_platform
