// Bot API side of Bot and the JSON shapes shared with the customer side.
#include "mock_platform/bot.h"

#include <chrono>

#include "mock_platform/utf8.h"

namespace mock_platform {

namespace {

// Telegram compares formatted content: the raw text when it carries markup, else plain.
std::string content_key(const OutgoingText& t) {
  return t.parse_mode.empty() ? t.plain_text : t.parse_mode + "\n" + t.text;
}

}  // namespace

std::int64_t Bot::unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Bot::Bot(BotIdentity identity, UpdateQueue& queue, Stats& stats)
    : identity_(std::move(identity)), queue_(queue), stats_(stats) {}

nlohmann::json Bot::me_json() const {
  return {{"id", identity_.id},
          {"is_bot", true},
          {"first_name", identity_.first_name},
          {"username", identity_.username},
          {"can_join_groups", false},
          {"can_read_all_group_messages", false},
          {"supports_inline_queries", false},
          {"can_connect_to_business", true}};
}

nlohmann::json Bot::user_json(const User& u) const {
  nlohmann::json j = {{"id", u.id}, {"is_bot", false}, {"first_name", u.first_name}};
  if (!u.language_code.empty()) j["language_code"] = u.language_code;
  return j;
}

nlohmann::json Bot::chat_json(const User& u) const {
  return {{"id", u.id}, {"first_name", u.first_name}, {"type", "private"}};
}

nlohmann::json Bot::message_json(std::int64_t chat_id, const Message& m) const {
  nlohmann::json j = {{"message_id", m.message_id}, {"date", m.date}};
  if (m.from_bot) {
    j["from"] = {{"id", identity_.id},
                 {"is_bot", true},
                 {"first_name", identity_.first_name},
                 {"username", identity_.username}};
  } else if (auto u = users_.find(m.from_user_id); u != users_.end()) {
    j["from"] = user_json(u->second);
  }
  if (auto u = users_.find(chat_id); u != users_.end()) j["chat"] = chat_json(u->second);
  j["text"] = m.text.plain_text;
  const std::string& t = m.text.plain_text;
  if (!m.from_bot && t.size() > 1 && t[0] == '/') {
    const auto end = t.find_first_of(" \n");
    const auto command = t.substr(0, end);
    j["entities"] = {{{"type", "bot_command"},
                      {"offset", 0},
                      {"length", utf16_length(command).value_or(command.size())}}};
  }
  if (m.edited) j["edit_date"] = m.date;
  if (!m.keyboard.empty()) j["reply_markup"] = to_json(m.keyboard);
  if (!m.business_connection_id.empty()) j["business_connection_id"] = m.business_connection_id;
  return j;
}

nlohmann::json Bot::business_connection_json(const BusinessConnection& c) const {
  const auto& owner = users_.at(c.owner_user_id);
  return {{"id", c.id},
          {"user", user_json(owner)},
          {"user_chat_id", owner.id},
          {"date", c.date},
          {"can_reply", true},
          {"rights", {{"can_reply", true}}},
          {"is_enabled", c.enabled}};
}

Bot::Message* Bot::find_message(std::int64_t chat_id, std::int64_t message_id) {
  auto chat = chats_.find(chat_id);
  if (chat == chats_.end()) return nullptr;
  for (auto& m : chat->second.messages) {
    if (m.message_id == message_id) return &m;
  }
  return nullptr;
}

std::optional<std::int64_t> Bot::push(const std::string& type, std::int64_t chat_key,
                                      nlohmann::json payload) {
  return queue_.push(type, chat_key, std::move(payload));
}

Result<nlohmann::json> Bot::send_message(const SendRequest& r) {
  std::lock_guard lock(mu_);
  auto user = users_.find(r.chat_id);
  if (!r.business_connection_id.empty()) {
    auto conn = connections_.find(r.business_connection_id);
    if (conn == connections_.end() || !conn->second.enabled) {
      return bad_request("BUSINESS_CONNECTION_INVALID");
    }
    if (user == users_.end()) return bad_request("chat not found");
  } else {
    if (user == users_.end()) return bad_request("chat not found");
    if (user->second.blocked) return forbidden("bot was blocked by the user");
    if (!user->second.started) return forbidden("bot can't initiate conversation with a user");
  }
  Chat& chat = chats_[r.chat_id];
  if (!chat.bot_texts_since_customer.insert(r.text.text).second) stats_.record_duplicate_send();
  Message m;
  m.message_id = chat.next_message_id++;
  m.from_bot = true;
  m.from_user_id = identity_.id;
  m.text = r.text;
  m.keyboard = r.keyboard;
  m.business_connection_id = r.business_connection_id;
  m.date = unix_now();
  chat.messages.push_back(m);
  return message_json(r.chat_id, m);
}

Result<nlohmann::json> Bot::edit_message(const EditRequest& r) {
  std::lock_guard lock(mu_);
  auto user = users_.find(r.chat_id);
  if (user == users_.end()) return bad_request("chat not found");
  Message* m = find_message(r.chat_id, r.message_id);
  if (m == nullptr) return bad_request("message to edit not found");
  if (!m->from_bot) return bad_request("message can't be edited");
  if (m->business_connection_id.empty() && user->second.blocked) {
    return forbidden("bot was blocked by the user");
  }
  const OutgoingText& text = r.text ? *r.text : m->text;
  if (content_key(text) == content_key(m->text) && r.keyboard == m->keyboard) {
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message");
  }
  m->text_edited = m->text_edited || content_key(text) != content_key(m->text);
  m->text = text;
  m->keyboard = r.keyboard;
  m->edited = true;
  m->date = unix_now();
  return message_json(r.chat_id, *m);
}

Result<nlohmann::json> Bot::answer_callback(const CallbackAnswer& answer) {
  std::lock_guard lock(mu_);
  auto q = callbacks_.find(answer.callback_query_id);
  if (q == callbacks_.end() || q->second.answered) {
    return bad_request("query is too old and response timeout expired or query ID is invalid");
  }
  q->second.answered = true;
  q->second.answer = answer;
  return nlohmann::json(true);
}

Result<nlohmann::json> Bot::transcript(std::int64_t chat_id) const {
  std::lock_guard lock(mu_);
  auto user = users_.find(chat_id);
  if (user == users_.end()) return ApiError{404, "chat not found", {}};
  auto messages = nlohmann::json::array();
  auto answers = nlohmann::json::array();
  if (auto chat = chats_.find(chat_id); chat != chats_.end()) {
    for (const auto& m : chat->second.messages) {
      messages.push_back(nlohmann::json{
          {"message_id", m.message_id},
          {"from", m.from_bot ? "bot" : "user"},
          {"from_user_id", m.from_user_id},
          {"text", m.text.text},
          {"plain_text", m.text.plain_text},
          {"parse_mode",
           m.text.parse_mode.empty() ? nlohmann::json() : nlohmann::json(m.text.parse_mode)},
          {"inline_keyboard", rows_json(m.keyboard)},
          {"edited", m.edited},
          {"text_edited", m.text_edited},
          {"business_connection_id", m.business_connection_id.empty()
                                         ? nlohmann::json()
                                         : nlohmann::json(m.business_connection_id)},
          {"date", m.date}});
    }
    for (const auto& id : chat->second.callback_ids) {
      const auto& q = callbacks_.at(id);
      answers.push_back(nlohmann::json{
          {"callback_query_id", q.id},
          {"message_id", q.message_id},
          {"data", q.data},
          {"answered", q.answered},
          {"text", q.answer.text},
          {"show_alert", q.answer.show_alert},
          {"url", q.answer.url.empty() ? nlohmann::json() : nlohmann::json(q.answer.url)}});
    }
  }
  return nlohmann::json{{"chat_id", chat_id},
                        {"user", user_json(user->second)},
                        {"blocked", user->second.blocked},
                        {"messages", std::move(messages)},
                        {"callback_answers", std::move(answers)}};
}

}  // namespace mock_platform
