#include "reviewbot/platform/telegram/update_parser.h"

#include <simdjson.h>

#include "reviewbot/core/text_rules.h"

namespace reviewbot::platform::telegram {
namespace {

using json = simdjson::dom::element;

// Bodies up to this size are parsed by the thread's own parser, which keeps its buffers
// for the next update; a larger one gets a parser of its own, freed with it, so one huge
// body does not stay allocated in every handler thread.
constexpr std::size_t kReusedParserBytes = 64 * 1024;

// Field accessors that never throw: a missing or mistyped field reads as "absent".
std::optional<json> field(const json& obj, const char* key) {
  simdjson::dom::object object;
  json value;
  if (obj.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::optional<json> object_field(const json& obj, const char* key) {
  auto value = field(obj, key);
  if (!value || !value->is_object()) return std::nullopt;
  return value;
}

// An integer within int64_t; a fraction, an exponent or a larger number reads as absent.
std::optional<int64_t> int_field(const json& obj, const char* key) {
  const auto value = field(obj, key);
  int64_t number = 0;
  if (!value || value->get_int64().get(number) != simdjson::SUCCESS) return std::nullopt;
  return number;
}

std::optional<std::string> string_field(const json& obj, const char* key) {
  const auto value = field(obj, key);
  std::string_view text;
  if (!value || value->get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  return std::string(text);
}

std::optional<bool> bool_field(const json& obj, const char* key) {
  const auto value = field(obj, key);
  bool flag = false;
  if (!value || value->get_bool().get(flag) != simdjson::SUCCESS) return std::nullopt;
  return flag;
}

struct Sender {
  core::UserId id = 0;
  std::string name;
  std::string username;
  std::string language_code;
};

// A User object (possibly absent) as id, display name, @username and language.
Sender sender_of(const std::optional<json>& user) {
  Sender s;
  if (!user) return s;
  s.id = int_field(*user, "id").value_or(0);
  s.name = core::clean_name(string_field(*user, "first_name").value_or("") + " " +
                            string_field(*user, "last_name").value_or(""));
  s.username = string_field(*user, "username").value_or("");
  s.language_code = string_field(*user, "language_code").value_or("");
  return s;
}

std::optional<core::Event> message_event(const json& message, bool edited) {
  const auto chat = object_field(message, "chat");
  if (!chat) return std::nullopt;
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
  const auto from_json = object_field(query, "from");
  // Without a message the button sat on an inline-mode message: not ours to act on.
  const auto message = object_field(query, "message");
  if (!id || !from_json || !message) return std::nullopt;
  const auto chat = object_field(*message, "chat");
  if (!chat) return std::nullopt;
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
  const auto chat = object_field(update, "chat");
  const auto member = object_field(update, "new_chat_member");
  if (!chat || !member) return std::nullopt;
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
  const auto user = object_field(connection, "user");
  const auto enabled = bool_field(connection, "is_enabled");
  if (!id || !user || !enabled) return std::nullopt;
  const auto owner = int_field(*user, "id");
  if (!owner) return std::nullopt;
  return core::BusinessConnectionChanged{*id, *owner, *enabled};
}

std::optional<core::Event> event_of(const json& update) {
  if (const auto m = object_field(update, "message")) return message_event(*m, false);
  if (const auto m = object_field(update, "edited_message")) return message_event(*m, true);
  if (const auto m = object_field(update, "business_message")) return message_event(*m, false);
  if (const auto m = object_field(update, "edited_business_message")) {
    return message_event(*m, true);
  }
  if (const auto q = object_field(update, "callback_query")) return callback_event(*q);
  if (const auto c = object_field(update, "my_chat_member")) return member_event(*c);
  if (const auto b = object_field(update, "business_connection")) {
    return business_connection_event(*b);
  }
  return std::nullopt;
}

}  // namespace

core::Result<ParsedUpdate> parse_update(std::string_view text) {
  thread_local simdjson::dom::parser reused;
  std::optional<simdjson::dom::parser> own;
  simdjson::dom::parser& parser = text.size() <= kReusedParserBytes ? reused : own.emplace();
  json update;
  // Copies the text into the parser's padded buffer; invalid UTF-8 is a parse error.
  if (parser.parse(text.data(), text.size()).get(update) != simdjson::SUCCESS) {
    return core::Error{"update is not valid JSON"};
  }
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
