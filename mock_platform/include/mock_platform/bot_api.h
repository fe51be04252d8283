// The Bot API methods the simulator implements, as plain calls: checks parameters the way
// Telegram does and forwards to Bot, UpdateQueue and WebhookDeliverer. No HTTP here.
// Thread-safe (holds references only; the parts it calls are thread-safe). getUpdates
// blocks up to its timeout.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mock_platform/bot.h"
#include "mock_platform/params.h"
#include "mock_platform/result.h"
#include "mock_platform/update_queue.h"
#include "mock_platform/webhook_deliverer.h"

namespace mock_platform {

class BotApi {
 public:
  BotApi(Bot& bot, UpdateQueue& queue, WebhookDeliverer& webhook,
         std::chrono::seconds max_poll_timeout = std::chrono::seconds(50));

  // The canonical spelling of `name` ("SENDMESSAGE" → "sendMessage"; Telegram ignores
  // case), or nullopt when the method is not implemented (HTTP adapter answers 404).
  static std::optional<std::string> canonical_method(std::string_view name);

  // Runs `method` (canonical). Returns the "result" value or a Bot API error.
  Result<nlohmann::json> call(const std::string& method, const Params& params);

 private:
  Result<nlohmann::json> set_webhook(const Params& p);
  Result<nlohmann::json> delete_webhook(const Params& p);
  Result<nlohmann::json> webhook_info() const;
  Result<nlohmann::json> get_updates(const Params& p);
  Result<nlohmann::json> send_message(const Params& p);
  Result<nlohmann::json> edit_message(const Params& p, bool text);
  Result<nlohmann::json> answer_callback(const Params& p);

  Bot& bot_;
  UpdateQueue& queue_;
  WebhookDeliverer& webhook_;
  const std::chrono::seconds max_poll_timeout_;
};

// Checks `text` in `parse_mode` as sendMessage does: valid UTF-8, HTML entities when
// parse_mode is HTML, 1–4096 UTF-16 units after entity parsing (Telegram's own unit).
// Errors: "message text is empty", "message is too long", "unsupported parse_mode",
// "can't parse entities: …", "text must be encoded in UTF-8".
Result<OutgoingText> check_message_text(const std::string& text, const std::string& parse_mode);

}  // namespace mock_platform
