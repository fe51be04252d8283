#include "mock_platform/inline_keyboard.h"

namespace mock_platform {

namespace {

constexpr std::size_t kMaxCallbackDataBytes = 64;

// Button fields that make a button do something; Telegram requires exactly one.
constexpr const char* kActions[] = {"callback_data",
                                    "url",
                                    "web_app",
                                    "login_url",
                                    "switch_inline_query",
                                    "switch_inline_query_current_chat",
                                    "switch_inline_query_chosen_chat",
                                    "copy_text",
                                    "callback_game",
                                    "pay"};

Result<InlineButton> parse_button(const nlohmann::json& b) {
  if (!b.is_object()) return bad_request("can't parse inline keyboard button: object expected");
  if (!b.contains("text") || !b["text"].is_string() || b["text"].get<std::string>().empty()) {
    return bad_request("can't parse inline keyboard button: Text is not specified");
  }
  int actions = 0;
  for (const char* a : kActions) actions += b.contains(a) ? 1 : 0;
  if (actions != 1) {
    return bad_request(
        "can't parse inline keyboard button: InlineKeyboardButton must have exactly one "
        "optional field");
  }
  InlineButton button{b["text"].get<std::string>(), std::nullopt, std::nullopt};
  if (b.contains("callback_data")) {
    const auto& d = b["callback_data"];
    if (!d.is_string() || d.get<std::string>().empty() ||
        d.get<std::string>().size() > kMaxCallbackDataBytes) {
      return bad_request("BUTTON_DATA_INVALID");
    }
    button.callback_data = d.get<std::string>();
  }
  if (b.contains("url")) {
    const auto& u = b["url"];
    const std::string url = u.is_string() ? u.get<std::string>() : "";
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0 &&
        url.rfind("tg://", 0) != 0) {
      return bad_request("BUTTON_URL_INVALID");
    }
    button.url = url;
  }
  return button;
}

}  // namespace

Result<InlineKeyboard> parse_reply_markup(const nlohmann::json& markup) {
  if (!markup.is_object()) return bad_request("can't parse reply keyboard markup JSON object");
  InlineKeyboard keyboard;
  if (!markup.contains("inline_keyboard")) return keyboard;
  const auto& rows = markup["inline_keyboard"];
  if (!rows.is_array()) {
    return bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array");
  }
  for (const auto& row : rows) {
    if (!row.is_array()) {
      return bad_request("can't parse inline keyboard button: row must be an Array");
    }
    std::vector<InlineButton> buttons;
    for (const auto& b : row) {
      auto button = parse_button(b);
      if (!button) return button.error();
      buttons.push_back(std::move(button).value());
    }
    if (!buttons.empty()) keyboard.rows.push_back(std::move(buttons));
  }
  return keyboard;
}

nlohmann::json rows_json(const InlineKeyboard& keyboard) {
  auto rows = nlohmann::json::array();
  for (const auto& row : keyboard.rows) {
    auto r = nlohmann::json::array();
    for (const auto& b : row) {
      nlohmann::json button = {{"text", b.text}};
      if (b.callback_data) button["callback_data"] = *b.callback_data;
      if (b.url) button["url"] = *b.url;
      r.push_back(std::move(button));
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

nlohmann::json to_json(const InlineKeyboard& keyboard) {
  if (keyboard.empty()) return nullptr;
  return {{"inline_keyboard", rows_json(keyboard)}};
}

}  // namespace mock_platform
