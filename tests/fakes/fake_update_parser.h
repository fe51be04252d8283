// A minimal stand-in for platform::telegram::parse_update: requires an object with an
// integer update_id; a "message" with a chat id becomes MessageReceived, anything else
// parses to "no event". Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "reviewbot/http/webhook_handler.h"

namespace reviewbot::testing {

inline core::Result<platform::telegram::ParsedUpdate> fake_parse_update(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception&) {
    return core::Error{"not JSON"};
  }
  if (!j.is_object() || !j.contains("update_id") || !j["update_id"].is_number_integer()) {
    return core::Error{"not a Telegram update"};
  }
  platform::telegram::ParsedUpdate update;
  update.update_id = j["update_id"].get<int64_t>();
  if (j.contains("message") && j["message"].contains("chat")) {
    core::MessageReceived m;
    m.chat_id = j["message"]["chat"].value("id", int64_t{0});
    m.text = j["message"].value("text", "");
    update.event = m;
  }
  return update;
}

}  // namespace reviewbot::testing
