#include "reviewbot/core/messages.h"

#include <nlohmann/json.hpp>

namespace reviewbot::core {
namespace {

using nlohmann::json;

constexpr MessageKind kAllKinds[] = {
    MessageKind::kRequest,        MessageKind::kReminder, MessageKind::kRatingAck,
    MessageKind::kCommentPrompt,  MessageKind::kThankYou, MessageKind::kOwnerAlert,
    MessageKind::kCallbackAnswer, MessageKind::kNotice,   MessageKind::kOwnerReply};

json keyboard_to_json(const Keyboard& keyboard) {
  json rows = json::array();
  for (const auto& row : keyboard) {
    json buttons = json::array();
    for (const auto& b : row) {
      json button = {{"text", b.text}};
      if (!b.url.empty()) button["url"] = b.url;
      if (!b.callback_data.empty()) button["callback_data"] = b.callback_data;
      buttons.push_back(std::move(button));
    }
    rows.push_back(std::move(buttons));
  }
  return rows;
}

Keyboard keyboard_from_json(const json& rows) {
  Keyboard keyboard;
  for (const auto& row : rows) {
    auto& out = keyboard.emplace_back();
    for (const auto& b : row) {
      out.push_back(Button{b.at("text").get<std::string>(), b.value("callback_data", ""),
                           b.value("url", "")});
    }
  }
  return keyboard;
}

void put_connection(json& j, const std::optional<std::string>& connection) {
  if (connection) j["business_connection_id"] = *connection;
}

std::optional<std::string> get_connection(const json& j) {
  if (auto it = j.find("business_connection_id"); it != j.end()) return it->get<std::string>();
  return std::nullopt;
}

}  // namespace

const char* to_string(MessageKind k) {
  switch (k) {
    case MessageKind::kRequest:
      return "request";
    case MessageKind::kReminder:
      return "reminder";
    case MessageKind::kRatingAck:
      return "rating_ack";
    case MessageKind::kCommentPrompt:
      return "comment_prompt";
    case MessageKind::kThankYou:
      return "thank_you";
    case MessageKind::kOwnerAlert:
      return "owner_alert";
    case MessageKind::kCallbackAnswer:
      return "callback_answer";
    case MessageKind::kNotice:
      return "notice";
    case MessageKind::kOwnerReply:
      return "owner_reply";
  }
  return "unknown";
}

std::optional<MessageKind> message_kind_from_string(const std::string& s) {
  for (auto kind : kAllKinds) {
    if (s == to_string(kind)) return kind;
  }
  return std::nullopt;
}

ChatId chat_of(const MessageBody& body) {
  return std::visit(
      [](const auto& m) -> ChatId {
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, AnswerCallback>) {
          return 0;
        } else {
          return m.chat_id;
        }
      },
      body);
}

void set_chat(MessageBody& body, ChatId chat) {
  std::visit(
      [chat](auto& m) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(m)>, AnswerCallback>) m.chat_id = chat;
      },
      body);
}

std::string to_json(const MessageBody& body) {
  json j;
  if (const auto* m = std::get_if<SendText>(&body)) {
    j = {{"type", "send_text"}, {"chat_id", m->chat_id}, {"text", m->text}, {"html", m->html}};
    if (!m->keyboard.empty()) j["keyboard"] = keyboard_to_json(m->keyboard);
    put_connection(j, m->business_connection_id);
    if (!m->text_without_keyboard.empty()) j["text_without_keyboard"] = m->text_without_keyboard;
  } else if (const auto* e = std::get_if<EditText>(&body)) {
    j = {{"type", "edit_text"},
         {"chat_id", e->chat_id},
         {"message_id", e->message_id},
         {"text", e->text},
         {"html", e->html}};
    put_connection(j, e->business_connection_id);
  } else if (const auto* r = std::get_if<RemoveKeyboard>(&body)) {
    j = {{"type", "remove_keyboard"}, {"chat_id", r->chat_id}, {"message_id", r->message_id}};
    put_connection(j, r->business_connection_id);
  } else if (const auto* a = std::get_if<AnswerCallback>(&body)) {
    j = {{"type", "answer_callback"},
         {"callback_query_id", a->callback_query_id},
         {"text", a->text}};
  }
  return j.dump();
}

std::optional<MessageBody> message_body_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    const std::string type = j.at("type").get<std::string>();
    if (type == "send_text") {
      SendText m{j.at("chat_id").get<ChatId>(),
                 j.at("text").get<std::string>(),
                 j.value("html", true),
                 {},
                 get_connection(j)};
      if (auto it = j.find("keyboard"); it != j.end()) m.keyboard = keyboard_from_json(*it);
      m.text_without_keyboard = j.value("text_without_keyboard", "");
      return m;
    }
    if (type == "edit_text") {
      return EditText{j.at("chat_id").get<ChatId>(), j.at("message_id").get<int64_t>(),
                      j.at("text").get<std::string>(), j.value("html", true), get_connection(j)};
    }
    if (type == "remove_keyboard") {
      return RemoveKeyboard{j.at("chat_id").get<ChatId>(), j.at("message_id").get<int64_t>(),
                            get_connection(j)};
    }
    if (type == "answer_callback") {
      return AnswerCallback{j.at("callback_query_id").get<std::string>(), j.value("text", "")};
    }
  } catch (const nlohmann::json::exception&) {
  }
  return std::nullopt;
}

}  // namespace reviewbot::core
