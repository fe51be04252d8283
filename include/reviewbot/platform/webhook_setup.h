// Registering reviewbot's webhook at start: setWebhook with the settings, then
// getWebhookInfo to log what the platform holds for us (a backlog of updates, the last
// delivery error, settings that differ from ours). Uses the caller's client; the caller
// owns it. Thread-compatible.
#pragma once

#include "reviewbot/core/result.h"
#include "reviewbot/platform/platform_client.h"

namespace reviewbot::platform {

// Sets the webhook and returns the platform's report of it. An error when setWebhook
// failed (the process keeps running: updates wait on Telegram's side until a restart
// registers again). A failing getWebhookInfo is only logged: the webhook is set.
// Logs one line per step; warns when the reported URL or max_connections differ from
// `hook`, or when the platform reports a delivery error.
core::Status register_webhook(PlatformClient& client, const WebhookSettings& hook);

}  // namespace reviewbot::platform
