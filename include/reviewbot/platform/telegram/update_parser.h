// Telegram update JSON → core events. Handles message, edited_message, callback_query,
// my_chat_member, business_connection, business_message and edited_business_message;
// any other update type parses to "no event" (acknowledged and ignored). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reviewbot/core/events.h"
#include "reviewbot/core/result.h"

namespace reviewbot::platform::telegram {

struct ParsedUpdate {
  int64_t update_id = 0;
  std::optional<core::Event> event;  // nullopt: an update type or shape we do not act on
};

// Error (answer 400) when the body is not JSON, not an object, or has no integer update_id.
core::Result<ParsedUpdate> parse_update(std::string_view json);

// The update types parse_update acts on: setWebhook/getUpdates allowed_updates.
const std::vector<std::string>& handled_update_types();

}  // namespace reviewbot::platform::telegram
