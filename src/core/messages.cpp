#include "reviewbot/core/messages.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "utf8.h"

namespace reviewbot::core {
namespace {

using nlohmann::json;

constexpr MessageKind kAllKinds[] = {
    MessageKind::kRequest,        MessageKind::kReminder, MessageKind::kRatingAck,
    MessageKind::kCommentPrompt,  MessageKind::kThankYou, MessageKind::kOwnerAlert,
    MessageKind::kCallbackAnswer, MessageKind::kNotice,   MessageKind::kOwnerReply};

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

// Writes one JSON object. Payloads are encoded on every queued message, inside the
// intake's batch, so this writes text directly instead of building an nlohmann tree.
class ObjectWriter {
 public:
  ObjectWriter() { out_.push_back('{'); }
  ObjectWriter& str(std::string_view key, std::string_view value) {
    name(key);
    append_string(value);
    return *this;
  }
  ObjectWriter& num(std::string_view key, int64_t value) {
    name(key);
    out_ += std::to_string(value);
    return *this;
  }
  ObjectWriter& boolean(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  ObjectWriter& opt_str(std::string_view key, const std::optional<std::string>& value) {
    return value ? str(key, *value) : *this;
  }
  ObjectWriter& keyboard(std::string_view key, const Keyboard& rows) {
    name(key);
    out_.push_back('[');
    for (std::size_t r = 0; r < rows.size(); ++r) {
      out_ += r == 0 ? "[" : ",[";
      for (std::size_t b = 0; b < rows[r].size(); ++b) {
        const Button& button = rows[r][b];
        ObjectWriter object;
        object.str("text", button.text);
        if (!button.url.empty()) object.str("url", button.url);
        if (!button.callback_data.empty()) object.str("callback_data", button.callback_data);
        if (b > 0) out_.push_back(',');
        out_ += std::move(object).done();
      }
      out_.push_back(']');
    }
    out_.push_back(']');
    return *this;
  }
  std::string done() && {
    out_.push_back('}');
    return std::move(out_);
  }

 private:
  void name(std::string_view key) {
    if (out_.size() > 1) out_.push_back(',');
    append_string(key);
    out_.push_back(':');
  }
  static bool plain(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }
  // A JSON string literal. Bytes that are not UTF-8 are written as U+FFFD, so every text
  // encodes (nlohmann's dump would throw) and the payload always parses back.
  void append_string(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    std::size_t pos = 0;
    while (pos < text.size()) {
      // Printable ASCII other than '"' and '\\' is copied as it is, a run at a time.
      const std::size_t run = pos;
      while (pos < text.size() && plain(text[pos])) ++pos;
      out_.append(text, run, pos - run);
      if (pos == text.size()) break;
      const auto c = static_cast<unsigned char>(text[pos]);
      if (c >= 0x80) {
        const std::size_t start = pos;
        if (utf8::next(text, pos) == U'\uFFFD') {
          out_ += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out_.append(text.substr(start, pos - start));
        }
        continue;
      }
      ++pos;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:  // the other control characters
          out_ += "\\u00";
          out_.push_back(kHex[c >> 4]);
          out_.push_back(kHex[c & 0xf]);
      }
    }
    out_.push_back('"');
  }

  std::string out_;
};

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
  ObjectWriter j;
  if (const auto* m = std::get_if<SendText>(&body)) {
    j.str("type", "send_text").num("chat_id", m->chat_id).str("text", m->text);
    j.boolean("html", m->html);
    if (!m->keyboard.empty()) j.keyboard("keyboard", m->keyboard);
    j.opt_str("business_connection_id", m->business_connection_id);
    if (!m->text_without_keyboard.empty()) {
      j.str("text_without_keyboard", m->text_without_keyboard);
    }
  } else if (const auto* e = std::get_if<EditText>(&body)) {
    j.str("type", "edit_text").num("chat_id", e->chat_id).num("message_id", e->message_id);
    j.str("text", e->text).boolean("html", e->html);
    j.opt_str("business_connection_id", e->business_connection_id);
  } else if (const auto* r = std::get_if<RemoveKeyboard>(&body)) {
    j.str("type", "remove_keyboard").num("chat_id", r->chat_id).num("message_id", r->message_id);
    j.opt_str("business_connection_id", r->business_connection_id);
  } else if (const auto* a = std::get_if<AnswerCallback>(&body)) {
    j.str("type", "answer_callback").str("callback_query_id", a->callback_query_id);
    j.str("text", a->text);
  }
  return std::move(j).done();
}

std::string outbox_payload(const OutgoingMessage& m, std::optional<ChatId> moved_to) {
  if (moved_to) {
    MessageBody body = m.body;
    set_chat(body, *moved_to);
    return to_json(body);
  }
  return m.payload.empty() ? to_json(m.body) : m.payload;
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
