// PlatformClient is the seam to the messaging platform's API (Telegram Bot API first).
// The dispatcher hands it outbox messages; it performs one API call and classifies the
// answer so the delivery rules can act on it without knowing the platform. An instance
// is NOT thread-safe (it owns a connection handle): give each thread its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/messages.h"
#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::platform {

struct SendResult {
  enum class Kind {
    kOk,             // done (also "message is not modified")
    kRetryAfter,     // 429: wait retry_after
    kTransient,      // 5xx, or the connection failed before the request was sent
    kUnknown,        // timed out after sending: it may or may not have arrived
    kParseEntities,  // 400 can't parse entities: resend as plain text
    kBadMarkup,      // 400 about the reply markup: resend without the keyboard
    kForbidden,      // 403: blocked, kicked, deactivated
    kMigrated,       // the group moved: migrate_to_chat_id
    kRejected,       // any other 4xx: do not retry
  };
  Kind kind = Kind::kOk;
  std::optional<int64_t> message_id;  // for kOk sends
  core::Duration retry_after{0};      // for kRetryAfter
  std::optional<core::ChatId> migrate_to_chat_id;
  int http_status = 0;      // 0 when no HTTP answer
  std::string description;  // the platform's text or the network error
};
const char* to_string(SendResult::Kind k);

struct BotInfo {
  int64_t id = 0;
  std::string username;
};

struct WebhookSettings {
  std::string url;
  std::string secret_token;  // empty: none
  int max_connections = 40;
  std::vector<std::string> allowed_updates;
  bool drop_pending_updates = false;
};

// What the platform reports about the registered webhook (getWebhookInfo).
struct WebhookInfo {
  std::string url;  // empty: no webhook (getUpdates mode)
  int64_t pending_update_count = 0;
  int max_connections = 0;  // 0 when not reported
  std::vector<std::string> allowed_updates;
  std::optional<int64_t> last_error_date;  // unix seconds of the last delivery failure
  std::string last_error_message;
};

// One update as received (raw JSON for the update parser) with its id.
struct RawUpdate {
  int64_t update_id = 0;
  std::string json;
};

class PlatformClient {
 public:
  virtual ~PlatformClient() = default;

  virtual SendResult send(const core::MessageBody& body) = 0;

  // Makes the call in progress, and every later one, end at once: a send then reports
  // kUnknown if its request had gone out, else kTransient. Unlike the other members it may
  // be called from any thread (shutdown uses it on a send that hangs). The default does
  // nothing: the call runs to its own timeout.
  virtual void cancel() {}

  virtual core::Result<BotInfo> get_me() = 0;
  virtual core::Status set_webhook(const WebhookSettings& settings) = 0;
  virtual core::Status delete_webhook() = 0;
  virtual core::Result<WebhookInfo> get_webhook_info() = 0;
  // Long polls for updates with id >= offset; waits up to timeout_seconds.
  virtual core::Result<std::vector<RawUpdate>> get_updates(
      int64_t offset, int timeout_seconds, const std::vector<std::string>& allowed) = 0;
};

}  // namespace reviewbot::platform
