#include "mock_platform/bot_api.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "mock_platform/inline_keyboard.h"
#include "mock_platform/telegram_html.h"
#include "mock_platform/utf8.h"

namespace mock_platform {

namespace {

constexpr std::size_t kMaxTextUnits = 4096;
constexpr std::size_t kMaxCallbackAnswerUnits = 200;

constexpr std::array<std::string_view, 9> kMethods = {
    "getMe",       "setWebhook",      "deleteWebhook",          "getWebhookInfo",     "getUpdates",
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"};

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool valid_secret_token(const std::string& s) {
  if (s.empty() || s.size() > 256) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

// chat_id as Telegram resolves it here: only numeric ids of known private chats exist.
Result<std::int64_t> chat_id_param(const Params& p) {
  if (!p.has("chat_id")) return bad_request("chat_id is empty");
  const auto id = p.get_int("chat_id");
  if (!id) return bad_request("chat not found");
  return *id;
}

Result<InlineKeyboard> keyboard_param(const Params& p) {
  const auto markup = p.get_json("reply_markup");
  if (!markup) return InlineKeyboard{};
  return parse_reply_markup(*markup);
}

Result<std::vector<std::string>> allowed_updates_param(const Params& p) {
  const auto j = p.get_json("allowed_updates");
  std::vector<std::string> out;
  if (!j->is_array()) return bad_request("can't parse allowed_updates: an Array expected");
  for (const auto& t : *j) {
    if (!t.is_string()) return bad_request("can't parse allowed_updates: strings expected");
    out.push_back(t.get<std::string>());
  }
  return out;
}

}  // namespace

Result<OutgoingText> check_message_text(const std::string& text, const std::string& parse_mode) {
  OutgoingText out{text, text, ""};
  if (iequals(parse_mode, "HTML")) {
    out.parse_mode = "HTML";
  } else if (iequals(parse_mode, "MarkdownV2")) {
    out.parse_mode = "MarkdownV2";
  } else if (iequals(parse_mode, "Markdown")) {
    out.parse_mode = "Markdown";
  } else if (!parse_mode.empty()) {
    return bad_request("unsupported parse_mode");
  }
  if (!utf16_length(text)) return bad_request("text must be encoded in UTF-8");
  if (out.parse_mode == "HTML") {
    auto plain = parse_telegram_html(text);
    if (!plain) return plain.error();
    out.plain_text = std::move(plain).value();
  }
  if (is_blank(out.plain_text)) return bad_request("message text is empty");
  if (*utf16_length(out.plain_text) > kMaxTextUnits) return bad_request("message is too long");
  return out;
}

BotApi::BotApi(Bot& bot, UpdateQueue& queue, WebhookDeliverer& webhook,
               std::chrono::seconds max_poll_timeout)
    : bot_(bot), queue_(queue), webhook_(webhook), max_poll_timeout_(max_poll_timeout) {}

std::optional<std::string> BotApi::canonical_method(std::string_view name) {
  for (auto m : kMethods) {
    if (iequals(m, name)) return std::string(m);
  }
  return std::nullopt;
}

Result<nlohmann::json> BotApi::call(const std::string& method, const Params& p) {
  if (method == "getMe") return bot_.me_json();
  if (method == "setWebhook") return set_webhook(p);
  if (method == "deleteWebhook") return delete_webhook(p);
  if (method == "getWebhookInfo") return webhook_info();
  if (method == "getUpdates") return get_updates(p);
  if (method == "sendMessage") return send_message(p);
  if (method == "editMessageText") return edit_message(p, true);
  if (method == "editMessageReplyMarkup") return edit_message(p, false);
  if (method == "answerCallbackQuery") return answer_callback(p);
  return not_found("Not Found");
}

Result<nlohmann::json> BotApi::set_webhook(const Params& p) {
  const auto url = p.get_string("url").value_or("");
  if (url.empty()) return delete_webhook(p);
  if (!parse_webhook_url(url)) return bad_request("bad webhook: invalid webhook URL specified");
  WebhookConfig config;
  config.url = url;
  if (auto secret = p.get_string("secret_token"); secret && !secret->empty()) {
    if (!valid_secret_token(*secret)) {
      return bad_request("bad webhook: secret token contains unallowed characters");
    }
    config.secret_token = *secret;
  }
  if (p.has("max_connections")) {
    const auto n = p.get_int("max_connections");
    if (!n) return bad_request("bad webhook: max_connections must be an integer");
    config.max_connections = static_cast<int>(std::clamp<std::int64_t>(*n, 1, 100));
  }
  if (p.has("allowed_updates")) {
    auto types = allowed_updates_param(p);
    if (!types) return types.error();
    queue_.set_allowed_updates(std::move(types).value());
  }
  if (p.get_bool("drop_pending_updates")) queue_.drop_pending();
  webhook_.set(config);
  return nlohmann::json(true);
}

Result<nlohmann::json> BotApi::delete_webhook(const Params& p) {
  if (p.get_bool("drop_pending_updates")) queue_.drop_pending();
  webhook_.clear();
  return nlohmann::json(true);
}

Result<nlohmann::json> BotApi::webhook_info() const {
  const auto config = webhook_.config();
  nlohmann::json info = {{"url", config ? config->url : ""},
                         {"has_custom_certificate", false},
                         {"pending_update_count", queue_.pending_count()}};
  if (config) info["max_connections"] = config->max_connections;
  if (auto types = queue_.allowed_updates(); !types.empty()) info["allowed_updates"] = types;
  if (auto error = webhook_.last_error()) {
    info["last_error_date"] = error->date;
    info["last_error_message"] = error->message;
  }
  return info;
}

Result<nlohmann::json> BotApi::get_updates(const Params& p) {
  if (webhook_.config()) {
    return conflict(
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
        "delete the webhook first");
  }
  const auto offset = p.get_int("offset").value_or(0);
  const auto limit = std::clamp<std::int64_t>(p.get_int("limit").value_or(100), 1, 100);
  const auto timeout =
      std::clamp<std::int64_t>(p.get_int("timeout").value_or(0), 0, max_poll_timeout_.count());
  if (p.has("allowed_updates")) {
    auto types = allowed_updates_param(p);
    if (!types) return types.error();
    queue_.set_allowed_updates(std::move(types).value());
  }
  auto updates =
      queue_.poll(offset, static_cast<std::size_t>(limit), std::chrono::seconds(timeout));
  return nlohmann::json(std::move(updates));
}

Result<nlohmann::json> BotApi::send_message(const Params& p) {
  auto chat_id = chat_id_param(p);
  if (!chat_id) return chat_id.error();
  if (!p.has("text")) return bad_request("message text is empty");
  auto text = check_message_text(*p.get_string("text"), p.get_string("parse_mode").value_or(""));
  if (!text) return text.error();
  auto keyboard = keyboard_param(p);
  if (!keyboard) return keyboard.error();
  SendRequest request;
  request.chat_id = *chat_id;
  request.text = std::move(text).value();
  request.keyboard = std::move(keyboard).value();
  request.business_connection_id = p.get_string("business_connection_id").value_or("");
  return bot_.send_message(request);
}

Result<nlohmann::json> BotApi::edit_message(const Params& p, bool text_edit) {
  if (p.has("inline_message_id")) {
    return bad_request("inline messages are not supported by this simulator");
  }
  auto chat_id = chat_id_param(p);
  if (!chat_id) return chat_id.error();
  const auto message_id = p.get_int("message_id");
  if (!message_id) return bad_request("message identifier is not specified");
  EditRequest request;
  request.chat_id = *chat_id;
  request.message_id = *message_id;
  if (text_edit) {
    if (!p.has("text")) return bad_request("message text is empty");
    auto text = check_message_text(*p.get_string("text"), p.get_string("parse_mode").value_or(""));
    if (!text) return text.error();
    request.text = std::move(text).value();
  }
  auto keyboard = keyboard_param(p);
  if (!keyboard) return keyboard.error();
  request.keyboard = std::move(keyboard).value();
  return bot_.edit_message(request);
}

Result<nlohmann::json> BotApi::answer_callback(const Params& p) {
  CallbackAnswer answer;
  answer.callback_query_id = p.get_string("callback_query_id").value_or("");
  answer.text = p.get_string("text").value_or("");
  answer.show_alert = p.get_bool("show_alert");
  answer.url = p.get_string("url").value_or("");
  const auto units = utf16_length(answer.text);
  if (!units) return bad_request("text must be encoded in UTF-8");
  if (*units > kMaxCallbackAnswerUnits) return bad_request("MESSAGE_TOO_LONG");
  return bot_.answer_callback(answer);
}

}  // namespace mock_platform
