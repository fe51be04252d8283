#include "reviewbot/platform/telegram/update_parser.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace reviewbot;
using reviewbot::platform::telegram::handled_update_types;
using reviewbot::platform::telegram::parse_update;

namespace {

template <class T>
const T& event_as(const core::Result<platform::telegram::ParsedUpdate>& parsed) {
  REQUIRE(parsed.ok());
  REQUIRE(parsed->event.has_value());
  REQUIRE(std::holds_alternative<T>(*parsed->event));
  return std::get<T>(*parsed->event);
}

void require_no_event(const core::Result<platform::telegram::ParsedUpdate>& parsed) {
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->event.has_value());
}

}  // namespace

TEST_CASE("a private text message becomes MessageReceived with 64-bit ids", "[telegram][parser]") {
  const auto parsed = parse_update(R"({
    "update_id": 912345678,
    "message": {
      "message_id": 4242,
      "from": {"id": 7012345678, "is_bot": false, "first_name": "Ann", "last_name": "Lee",
               "username": "annlee", "language_code": "pt-br"},
      "chat": {"id": 7012345678, "first_name": "Ann", "last_name": "Lee", "type": "private"},
      "date": 1763805600,
      "text": "thank you!"
    }
  })");
  const auto& m = event_as<core::MessageReceived>(parsed);
  CHECK(parsed->update_id == 912345678);
  CHECK(m.chat_id == 7012345678);
  CHECK(m.from_user_id == 7012345678);
  CHECK(m.message_id == 4242);
  CHECK(m.text == "thank you!");
  CHECK(m.from_name == "Ann Lee");
  CHECK(m.from_username == "annlee");
  CHECK(m.language_code == "pt-br");
  CHECK_FALSE(m.edited);
  CHECK_FALSE(m.business_connection_id);
}

TEST_CASE("message text falls back to the caption and is empty for bare media",
          "[telegram][parser]") {
  SECTION("a photo with a caption carries the caption") {
    const auto parsed = parse_update(R"({"update_id": 1, "message": {
      "message_id": 5, "from": {"id": 10, "first_name": "Bo"},
      "chat": {"id": 10, "type": "private"}, "date": 1,
      "photo": [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}],
      "caption": "5 stars"}})");
    const auto& m = event_as<core::MessageReceived>(parsed);
    CHECK(m.text == "5 stars");
    CHECK(m.from_name == "Bo");
    CHECK(m.language_code.empty());
  }
  SECTION("a sticker has no text") {
    const auto parsed = parse_update(R"({"update_id": 2, "message": {
      "message_id": 6, "from": {"id": 10, "first_name": " Bo ", "last_name": ""},
      "chat": {"id": 10, "type": "private"}, "date": 1,
      "sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular", "width": 512,
                  "height": 512, "is_animated": false, "is_video": false}}})");
    const auto& m = event_as<core::MessageReceived>(parsed);
    CHECK(m.text.empty());
    CHECK(m.from_name == "Bo");
  }
}

TEST_CASE("an edited message is flagged as an edit of the same message id", "[telegram][parser]") {
  const auto parsed = parse_update(R"({"update_id": 3, "edited_message": {
    "message_id": 77, "from": {"id": 5000000001, "first_name": "Cy"},
    "chat": {"id": 5000000001, "type": "private"}, "date": 1, "edit_date": 2,
    "text": "great coffee, slow service"}})");
  const auto& m = event_as<core::MessageReceived>(parsed);
  CHECK(m.edited);
  CHECK(m.message_id == 77);
  CHECK(m.text == "great coffee, slow service");
}

TEST_CASE("business messages carry their business connection id", "[telegram][parser]") {
  SECTION("a new business message") {
    const auto parsed = parse_update(R"({"update_id": 4, "business_message": {
      "business_connection_id": "AbCdEf-123", "message_id": 901,
      "from": {"id": 6123456789, "first_name": "Dee", "language_code": "ru"},
      "chat": {"id": 6123456789, "first_name": "Dee", "type": "private"},
      "date": 1, "text": "спасибо"}})");
    const auto& m = event_as<core::MessageReceived>(parsed);
    CHECK(m.business_connection_id == std::optional<std::string>("AbCdEf-123"));
    CHECK(m.chat_id == 6123456789);
    CHECK(m.text == "спасибо");
    CHECK_FALSE(m.edited);
  }
  SECTION("an edited business message") {
    const auto parsed = parse_update(R"({"update_id": 5, "edited_business_message": {
      "business_connection_id": "AbCdEf-123", "message_id": 902,
      "from": {"id": 6123456789, "first_name": "Dee"},
      "chat": {"id": 6123456789, "type": "private"}, "date": 1, "edit_date": 3,
      "text": "4"}})");
    const auto& m = event_as<core::MessageReceived>(parsed);
    CHECK(m.edited);
    CHECK(m.business_connection_id == std::optional<std::string>("AbCdEf-123"));
  }
}

TEST_CASE("a callback query becomes CallbackPressed on the message that carried the keyboard",
          "[telegram][parser]") {
  SECTION("a direct chat") {
    const auto parsed = parse_update(R"({"update_id": 6, "callback_query": {
      "id": "4382bfdwdsb323b2d9", "chat_instance": "-5551234",
      "from": {"id": 7012345678, "first_name": "Ann", "language_code": "en"},
      "message": {"message_id": 4243, "date": 1, "text": "How was it?",
                  "chat": {"id": -1001234567890123, "title": "Shop", "type": "supergroup"}},
      "data": "rate:5"}})");
    const auto& c = event_as<core::CallbackPressed>(parsed);
    CHECK(c.callback_query_id == "4382bfdwdsb323b2d9");
    CHECK(c.from_user_id == 7012345678);
    CHECK(c.chat_id == -1001234567890123);
    CHECK(c.message_id == 4243);
    CHECK(c.data == "rate:5");
    CHECK(c.from_name == "Ann");
    CHECK(c.language_code == "en");
    CHECK_FALSE(c.business_connection_id);
  }
  SECTION("a business chat") {
    const auto parsed = parse_update(R"({"update_id": 7, "callback_query": {
      "id": "q2", "chat_instance": "1", "from": {"id": 6123456789, "first_name": "Dee"},
      "message": {"message_id": 903, "date": 1, "business_connection_id": "AbCdEf-123",
                  "chat": {"id": 6123456789, "type": "private"}},
      "data": "rate:2"}})");
    const auto& c = event_as<core::CallbackPressed>(parsed);
    CHECK(c.business_connection_id == std::optional<std::string>("AbCdEf-123"));
  }
  SECTION("an inline-mode button without a message is not acted on") {
    require_no_event(parse_update(R"({"update_id": 8, "callback_query": {
      "id": "q3", "chat_instance": "1", "from": {"id": 1, "first_name": "E"},
      "inline_message_id": "AAEAAA", "data": "rate:1"}})"));
  }
}

TEST_CASE("my_chat_member in a private chat reports blocking and unblocking",
          "[telegram][parser]") {
  const auto update = [](const std::string& chat_type, const std::string& status) {
    return R"({"update_id": 9, "my_chat_member": {
      "chat": {"id": 7012345678, "type": ")" +
           chat_type + R"("}, "from": {"id": 7012345678, "first_name": "Ann"}, "date": 1,
      "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": true, "first_name": "B"}},
      "new_chat_member": {"status": ")" +
           status + R"(", "user": {"id": 1, "is_bot": true, "first_name": "B"},
                          "until_date": 0}}})";
  };
  SECTION("kicked blocks") {
    const auto parsed = parse_update(update("private", "kicked"));
    const auto& e = event_as<core::MemberStatusChanged>(parsed);
    CHECK(e.chat_id == 7012345678);
    CHECK(e.blocked);
  }
  SECTION("member unblocks") {
    const auto parsed = parse_update(update("private", "member"));
    CHECK_FALSE(event_as<core::MemberStatusChanged>(parsed).blocked);
  }
  SECTION("other statuses and group chats are ignored") {
    require_no_event(parse_update(update("private", "restricted")));
    require_no_event(parse_update(update("group", "kicked")));
  }
}

TEST_CASE("business_connection reports the owner and whether it is enabled", "[telegram][parser]") {
  const auto parsed = parse_update(R"({"update_id": 10, "business_connection": {
    "id": "AbCdEf-123", "user": {"id": 5999999999, "first_name": "Owner"},
    "user_chat_id": 5999999999, "date": 1, "can_reply": true, "is_enabled": false}})");
  const auto& b = event_as<core::BusinessConnectionChanged>(parsed);
  CHECK(b.connection_id == "AbCdEf-123");
  CHECK(b.owner_user_id == 5999999999);
  CHECK_FALSE(b.enabled);
}

TEST_CASE("unknown update types are acknowledged without an event", "[telegram][parser]") {
  const auto parsed = parse_update(R"({"update_id": 11, "message_reaction": {
    "chat": {"id": 1, "type": "private"}, "message_id": 2, "date": 1,
    "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}})");
  require_no_event(parsed);
  CHECK(parsed->update_id == 11);
  require_no_event(parse_update(R"({"update_id": 12})"));
}

TEST_CASE("structurally broken known updates give no event instead of an error",
          "[telegram][parser]") {
  SECTION("a message without a chat") {
    require_no_event(parse_update(R"({"update_id": 13, "message": {"message_id": 1,
      "from": {"id": 1, "first_name": "A"}, "date": 1, "text": "hi"}})"));
  }
  SECTION("a chat id of the wrong type") {
    require_no_event(parse_update(R"({"update_id": 14, "message": {"message_id": 1,
      "chat": {"id": "1", "type": "private"}, "date": 1, "text": "hi"}})"));
  }
  SECTION("a message that is not an object") {
    require_no_event(parse_update(R"({"update_id": 15, "message": []})"));
  }
  SECTION("mistyped optional fields read as absent") {
    const auto parsed = parse_update(R"({"update_id": 16, "message": {"message_id": 1,
      "from": {"id": 3, "first_name": 7, "language_code": null},
      "chat": {"id": 3, "type": "private"}, "date": 1, "text": {"bold": true},
      "business_connection_id": 5}})");
    const auto& m = event_as<core::MessageReceived>(parsed);
    CHECK(m.text.empty());
    CHECK(m.from_name.empty());
    CHECK(m.language_code.empty());
    CHECK_FALSE(m.business_connection_id);
  }
  SECTION("a callback without an id or with a message missing its chat") {
    require_no_event(parse_update(R"({"update_id": 17, "callback_query": {
      "from": {"id": 1}, "message": {"message_id": 1, "chat": {"id": 1}}}})"));
    require_no_event(parse_update(R"({"update_id": 18, "callback_query": {"id": "q",
      "from": {"id": 1}, "message": {"message_id": 1}}})"));
  }
  SECTION("a business connection without is_enabled") {
    require_no_event(parse_update(R"({"update_id": 19, "business_connection": {
      "id": "c", "user": {"id": 1}}})"));
  }
}

TEST_CASE("bodies that are not updates are errors", "[telegram][parser]") {
  SECTION("malformed JSON") { CHECK_FALSE(parse_update(R"({"update_id": 1, "message": )").ok()); }
  SECTION("not an object") {
    CHECK_FALSE(parse_update("[1, 2]").ok());
    CHECK_FALSE(parse_update("42").ok());
    CHECK_FALSE(parse_update("").ok());
  }
  SECTION("missing or non-integer update_id") {
    CHECK_FALSE(parse_update(R"({"message": {}})").ok());
    CHECK_FALSE(parse_update(R"({"update_id": "12"})").ok());
    CHECK_FALSE(parse_update(R"({"update_id": 1.5})").ok());
    CHECK_FALSE(parse_update(R"({"update_id": 18446744073709551615})").ok());
  }
  SECTION("text that is not UTF-8") {
    CHECK_FALSE(parse_update("{\"update_id\": 1, \"message\": {\"text\": \"\xff\xfe\"}}").ok());
  }
  SECTION("the error says what is wrong") {
    const auto parsed = parse_update(R"({"update_id": null})");
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error().message, Catch::Contains("update_id"));
  }
}

TEST_CASE("handled update types list every type the parser acts on", "[telegram][parser]") {
  const auto& types = handled_update_types();
  for (const char* t : {"message", "edited_message", "callback_query", "my_chat_member",
                        "business_connection", "business_message", "edited_business_message"}) {
    CHECK(std::find(types.begin(), types.end(), t) != types.end());
  }
  CHECK(types.size() == 7);
}

TEST_CASE("a sender's name is cleaned of control and reordering characters", "[telegram][parser]") {
  const auto parsed = parse_update(R"({"update_id": 2, "message": {
    "message_id": 6, "from": {"id": 10, "first_name": "Bo\nTransaction: FAKE", "last_name": "\u202eyxe"},
    "chat": {"id": 10, "type": "private"}, "date": 1, "text": "hi"}})");
  CHECK(event_as<core::MessageReceived>(parsed).from_name == "Bo Transaction: FAKE yxe");
}

TEST_CASE("escapes are decoded, and a long update parses as a short one does",
          "[telegram][parser]") {
  const auto update = [](const std::string& text) {
    return R"({"update_id": 7, "message": {"message_id": 1, "chat": {"id": 5, "type": "private"},
               "text": ")" +
           text + R"("}})";
  };
  const auto escaped = parse_update(update(R"(\"hi\"\n\u00e9\ud83d\ude00\\)"));
  CHECK(event_as<core::MessageReceived>(escaped).text == "\"hi\"\n\u00e9\U0001F600\\");
  // Past the size the handler thread's own parser is kept for: parsed by a parser of its own.
  const std::string long_text(200 * 1024, 'a');
  const auto parsed = parse_update(update(long_text));
  CHECK(event_as<core::MessageReceived>(parsed).text == long_text);
  // ...and the thread's parser still answers the next short update.
  CHECK(event_as<core::MessageReceived>(parse_update(update("again"))).text == "again");
}
