// An inline keyboard attached to a bot message, parsed and validated from a Bot API
// `reply_markup` the way Telegram does. Value types and pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mock_platform/result.h"

namespace mock_platform {

struct InlineButton {
  std::string text;
  std::optional<std::string> callback_data;
  std::optional<std::string> url;
  bool operator==(const InlineButton&) const = default;
};

struct InlineKeyboard {
  std::vector<std::vector<InlineButton>> rows;
  bool empty() const { return rows.empty(); }
  bool operator==(const InlineKeyboard&) const = default;
};

// Parses a reply_markup object. Only inline keyboards are kept: reply keyboards,
// remove_keyboard and force_reply are accepted and yield an empty keyboard.
// Errors: 400 "can't parse reply keyboard markup JSON object", "BUTTON_DATA_INVALID"
// (callback_data outside 1–64 bytes), "BUTTON_URL_INVALID", and a button with no text or
// not exactly one action.
Result<InlineKeyboard> parse_reply_markup(const nlohmann::json& markup);

// {"inline_keyboard":[[{"text":…,"callback_data":…}]]}; null for an empty keyboard.
nlohmann::json to_json(const InlineKeyboard& keyboard);

// The rows as arrays of button objects; [] for an empty keyboard.
nlohmann::json rows_json(const InlineKeyboard& keyboard);

}  // namespace mock_platform
