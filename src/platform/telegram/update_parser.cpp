#include "reviewbot/platform/telegram/update_parser.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "reviewbot/core/text_rules.h"

namespace reviewbot::platform::telegram {
namespace {

using nlohmann::json;

// Field accessors that never throw: a missing or mistyped field reads as "absent".
const json* object_field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_object()) return nullptr;
  return &*it;
}

std::optional<int64_t> int_field(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_number_integer() && !it->is_number_unsigned()) return it->get<int64_t>();
  if (it->is_number_unsigned()) {
    const auto u = it->get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(u);
    }
  }
  return std::nullopt;
}

std::optional<std::string> string_field(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<bool> bool_field(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

struct Sender {
  core::UserId id = 0;
  std::string name;
  std::string username;
  std::string language_code;
};

// A User object (possibly absent) as id, display name, @username and language.
Sender sender_of(const json* user) {
  Sender s;
  if (user == nullptr) return s;
  s.id = int_field(*user, "id").value_or(0);
  s.name = core::clean_name(string_field(*user, "first_name").value_or("") + " " +
                            string_field(*user, "last_name").value_or(""));
  s.username = string_field(*user, "username").value_or("");
  s.language_code = string_field(*user, "language_code").value_or("");
  return s;
}

std::optional<core::Event> message_event(const json& message, bool edited) {
  const json* chat = object_field(message, "chat");
  if (chat == nullptr) return std::nullopt;
  const auto chat_id = int_field(*chat, "id");
  const auto message_id = int_field(message, "message_id");
  if (!chat_id || !message_id) return std::nullopt;

  const Sender from = sender_of(object_field(message, "from"));
  core::MessageReceived m;
  m.chat_id = *chat_id;
  m.from_user_id = from.id;
  m.message_id = *message_id;
  m.text = string_field(message, "text").value_or(string_field(message, "caption").value_or(""));
  m.from_name = from.name;
  m.from_username = from.username;
  m.language_code = from.language_code;
  m.edited = edited;
  m.business_connection_id = string_field(message, "business_connection_id");
  return m;
}

std::optional<core::Event> callback_event(const json& query) {
  const auto id = string_field(query, "id");
  const json* from_json = object_field(query, "from");
  // Without a message the button sat on an inline-mode message: not ours to act on.
  const json* message = object_field(query, "message");
  if (!id || from_json == nullptr || message == nullptr) return std::nullopt;
  const json* chat = object_field(*message, "chat");
  if (chat == nullptr) return std::nullopt;
  const auto chat_id = int_field(*chat, "id");
  const auto message_id = int_field(*message, "message_id");
  const Sender from = sender_of(from_json);
  if (!chat_id || !message_id || from.id == 0) return std::nullopt;

  core::CallbackPressed c;
  c.chat_id = *chat_id;
  c.from_user_id = from.id;
  c.callback_query_id = *id;
  c.message_id = *message_id;
  c.data = string_field(query, "data").value_or("");
  c.from_name = from.name;
  c.from_username = from.username;
  c.language_code = from.language_code;
  c.business_connection_id = string_field(*message, "business_connection_id");
  return c;
}

std::optional<core::Event> member_event(const json& update) {
  const json* chat = object_field(update, "chat");
  const json* member = object_field(update, "new_chat_member");
  if (chat == nullptr || member == nullptr) return std::nullopt;
  if (string_field(*chat, "type") != "private") return std::nullopt;
  const auto chat_id = int_field(*chat, "id");
  const auto status = string_field(*member, "status");
  if (!chat_id || !status) return std::nullopt;
  if (*status == "kicked") return core::MemberStatusChanged{*chat_id, true};
  if (*status == "member") return core::MemberStatusChanged{*chat_id, false};
  return std::nullopt;
}

std::optional<core::Event> business_connection_event(const json& connection) {
  const auto id = string_field(connection, "id");
  const json* user = object_field(connection, "user");
  const auto enabled = bool_field(connection, "is_enabled");
  if (!id || user == nullptr || !enabled) return std::nullopt;
  const auto owner = int_field(*user, "id");
  if (!owner) return std::nullopt;
  return core::BusinessConnectionChanged{*id, *owner, *enabled};
}

std::optional<core::Event> event_of(const json& update) {
  if (const json* m = object_field(update, "message")) return message_event(*m, false);
  if (const json* m = object_field(update, "edited_message")) return message_event(*m, true);
  if (const json* m = object_field(update, "business_message")) return message_event(*m, false);
  if (const json* m = object_field(update, "edited_business_message")) {
    return message_event(*m, true);
  }
  if (const json* q = object_field(update, "callback_query")) return callback_event(*q);
  if (const json* c = object_field(update, "my_chat_member")) return member_event(*c);
  if (const json* b = object_field(update, "business_connection")) {
    return business_connection_event(*b);
  }
  return std::nullopt;
}

}  // namespace

core::Result<ParsedUpdate> parse_update(std::string_view text) {
  // allow_exceptions=false: a parse error yields a "discarded" value instead of throwing.
  const json update = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (update.is_discarded()) return core::Error{"update is not valid JSON"};
  if (!update.is_object()) return core::Error{"update is not a JSON object"};
  const auto update_id = int_field(update, "update_id");
  if (!update_id) return core::Error{"update has no integer update_id"};
  return ParsedUpdate{*update_id, event_of(update)};
}

const std::vector<std::string>& handled_update_types() {
  static const std::vector<std::string> kTypes = {
      "message",          "edited_message",      "callback_query",         "my_chat_member",
      "business_message", "business_connection", "edited_business_message"};
  return kTypes;
}

}  // namespace reviewbot::platform::telegram
