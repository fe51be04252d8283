// Customer side of Bot: what simulated users do, each queuing the update Telegram would.
#include "mock_platform/bot.h"
#include "mock_platform/utf8.h"

namespace mock_platform {

namespace {

constexpr std::size_t kMaxTextUnits = 4096;

ApiError user_not_found() { return {404, "user not found", {}}; }

Status check_customer_text(const std::string& text) {
  const auto units = utf16_length(text);
  if (!units) return ApiError{400, "text must be valid UTF-8", {}};
  if (is_blank(text)) return ApiError{400, "text must not be empty", {}};
  if (*units > kMaxTextUnits) return ApiError{400, "text is longer than 4096 characters", {}};
  return Ok{};
}

}  // namespace

std::int64_t Bot::create_user(const std::string& name, const std::string& language_code,
                              bool started) {
  std::lock_guard lock(mu_);
  const std::int64_t id = next_user_id_++;
  users_[id] = User{id, name, language_code, started, false, false};
  if (started) chats_[id];
  return id;
}

void Bot::create_owner(const std::string& name, const std::string& language_code) {
  std::lock_guard lock(mu_);
  if (users_.count(kOwnerUserId) != 0) return;
  users_[kOwnerUserId] = User{kOwnerUserId, name, language_code, true, false, true};
  chats_[kOwnerUserId];
}

nlohmann::json Bot::users_json() const {
  std::lock_guard lock(mu_);
  auto out = nlohmann::json::array();
  for (const auto& [id, u] : users_) {
    auto j = user_json(u);
    j["blocked"] = u.blocked;
    j["started"] = u.started;
    j["owner"] = u.owner;
    out.push_back(std::move(j));
  }
  return out;
}

Result<Queued> Bot::user_message(std::int64_t user_id, const std::string& text) {
  if (auto st = check_customer_text(text); !st) return st.error();
  std::lock_guard lock(mu_);
  auto user = users_.find(user_id);
  if (user == users_.end()) return user_not_found();
  if (user->second.blocked) return ApiError{409, "user has blocked the bot; unblock first", {}};
  user->second.started = true;
  Chat& chat = chats_[user_id];
  chat.bot_texts_since_customer.clear();
  Message m;
  m.message_id = chat.next_message_id++;
  m.from_user_id = user_id;
  m.text = OutgoingText{text, text, ""};
  m.date = unix_now();
  chat.messages.push_back(m);
  Queued q;
  q.message_id = m.message_id;
  q.update_id = push("message", user_id, message_json(user_id, m));
  return q;
}

Result<Queued> Bot::press(std::int64_t user_id, std::int64_t message_id,
                          const std::optional<std::string>& callback_data,
                          const std::optional<std::string>& button_text) {
  if (!callback_data && !button_text) {
    return ApiError{400, "callback_data or button_text is required", {}};
  }
  std::lock_guard lock(mu_);
  auto user = users_.find(user_id);
  if (user == users_.end()) return user_not_found();
  if (user->second.blocked) return ApiError{409, "user has blocked the bot; unblock first", {}};
  Message* m = find_message(user_id, message_id);
  if (m == nullptr || !m->from_bot) return ApiError{404, "message not found", {}};
  const InlineButton* button = nullptr;
  for (const auto& row : m->keyboard.rows) {
    for (const auto& b : row) {
      const bool match = callback_data ? b.callback_data == callback_data : b.text == *button_text;
      if (match && button == nullptr) button = &b;
    }
  }
  if (button == nullptr) return ApiError{400, "message has no such button", {}};
  if (!button->callback_data) {
    return ApiError{400, "button has no callback_data (a url button opens a link)", {}};
  }
  CallbackQuery q;
  q.id = std::to_string(8000000000000000000LL + next_callback_seq_++);
  q.chat_id = user_id;
  q.message_id = message_id;
  q.data = *button->callback_data;
  Chat& chat = chats_[user_id];
  chat.bot_texts_since_customer.clear();
  chat.callback_ids.push_back(q.id);
  nlohmann::json payload = {{"id", q.id},
                            {"from", user_json(user->second)},
                            {"message", message_json(user_id, *m)},
                            {"chat_instance", std::to_string(user_id * 31 + identity_.id)},
                            {"data", q.data}};
  Queued out;
  out.message_id = message_id;
  out.callback_query_id = q.id;
  callbacks_.emplace(q.id, std::move(q));
  out.update_id = push("callback_query", user_id, std::move(payload));
  return out;
}

Result<Queued> Bot::set_blocked(std::int64_t user_id, bool blocked, bool notify) {
  std::lock_guard lock(mu_);
  auto user = users_.find(user_id);
  if (user == users_.end()) return user_not_found();
  if (user->second.blocked == blocked) return Queued{};
  user->second.blocked = blocked;
  if (!blocked) user->second.started = true;
  chats_[user_id];
  if (!notify) return Queued{};
  const nlohmann::json bot = {{"id", identity_.id},
                              {"is_bot", true},
                              {"first_name", identity_.first_name},
                              {"username", identity_.username}};
  nlohmann::json old_member = {{"user", bot}, {"status", blocked ? "member" : "kicked"}};
  nlohmann::json new_member = {{"user", bot}, {"status", blocked ? "kicked" : "member"}};
  if (blocked) new_member["until_date"] = 0;
  if (!blocked) old_member["until_date"] = 0;
  Queued q;
  q.update_id = push("my_chat_member", user_id,
                     {{"chat", chat_json(user->second)},
                      {"from", user_json(user->second)},
                      {"date", unix_now()},
                      {"old_chat_member", std::move(old_member)},
                      {"new_chat_member", std::move(new_member)}});
  return q;
}

Result<std::string> Bot::connect_business(std::int64_t owner_user_id, Queued& queued) {
  std::lock_guard lock(mu_);
  if (users_.count(owner_user_id) == 0) return user_not_found();
  BusinessConnection c;
  c.id = "bizconn-" + std::to_string(next_connection_seq_++);
  c.owner_user_id = owner_user_id;
  c.date = unix_now();
  queued.update_id = push("business_connection", owner_user_id, business_connection_json(c));
  connections_[c.id] = c;
  return c.id;
}

Result<Queued> Bot::disconnect_business(const std::string& connection_id) {
  std::lock_guard lock(mu_);
  auto c = connections_.find(connection_id);
  if (c == connections_.end()) return ApiError{404, "business connection not found", {}};
  if (!c->second.enabled) return Queued{};
  c->second.enabled = false;
  Queued q;
  q.update_id =
      push("business_connection", c->second.owner_user_id, business_connection_json(c->second));
  return q;
}

Result<Queued> Bot::business_message(const std::string& connection_id, std::int64_t from_user_id,
                                     std::int64_t chat_id, const std::string& text) {
  if (auto st = check_customer_text(text); !st) return st.error();
  std::lock_guard lock(mu_);
  auto c = connections_.find(connection_id);
  if (c == connections_.end()) return ApiError{404, "business connection not found", {}};
  if (!c->second.enabled) return ApiError{409, "business connection is disabled", {}};
  if (users_.count(from_user_id) == 0) return user_not_found();
  if (users_.count(chat_id) == 0) return ApiError{404, "chat not found", {}};
  if (from_user_id != c->second.owner_user_id && from_user_id != chat_id) {
    return ApiError{400, "from_user_id must be the connection's owner or the chat's user", {}};
  }
  Chat& chat = chats_[chat_id];
  if (from_user_id == chat_id) chat.bot_texts_since_customer.clear();
  Message m;
  m.message_id = chat.next_message_id++;
  m.from_user_id = from_user_id;
  m.text = OutgoingText{text, text, ""};
  m.business_connection_id = connection_id;
  m.date = unix_now();
  chat.messages.push_back(m);
  Queued q;
  q.message_id = m.message_id;
  q.update_id = push("business_message", chat_id, message_json(chat_id, m));
  return q;
}

}  // namespace mock_platform
