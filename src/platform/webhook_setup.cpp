#include "reviewbot/platform/webhook_setup.h"

#include <spdlog/spdlog.h>

namespace reviewbot::platform {

core::Status register_webhook(PlatformClient& client, const WebhookSettings& hook) {
  if (auto status = client.set_webhook(hook); !status.ok()) {
    spdlog::error("setWebhook failed: {}", status.error().message);
    return status;
  }
  spdlog::info("webhook registered: url={} max_connections={} allowed_updates={}", hook.url,
               hook.max_connections, hook.allowed_updates.size());
  auto info = client.get_webhook_info();
  if (!info.ok()) {
    spdlog::warn("getWebhookInfo failed: {}", info.error().message);
    return core::ok_status();
  }
  spdlog::info("webhook info: url={} pending_update_count={} max_connections={}", info->url,
               info->pending_update_count, info->max_connections);
  if (info->url != hook.url) {
    spdlog::warn(
        "the platform reports webhook url {} instead of {}: another process may have "
        "registered its own",
        info->url.empty() ? "(none)" : info->url, hook.url);
  }
  if (info->max_connections != 0 && info->max_connections != hook.max_connections) {
    spdlog::warn("the platform reports max_connections={} instead of {}", info->max_connections,
                 hook.max_connections);
  }
  if (!info->last_error_message.empty()) {
    spdlog::warn("the platform's last webhook delivery failed (unix time {}): {}",
                 info->last_error_date.value_or(0), info->last_error_message);
  }
  return core::ok_status();
}

}  // namespace reviewbot::platform
