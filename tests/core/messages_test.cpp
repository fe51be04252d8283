#include "reviewbot/core/messages.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reviewbot/core/events.h"

using namespace reviewbot::core;

TEST_CASE("an outbox payload survives a round trip through JSON", "[messages]") {
  SECTION("a request with a keyboard and a business connection") {
    SendText m{-1001234567890123,
               "How was <b>it</b>?",
               true,
               {{{"1", "rate:1", ""}, {"5", "rate:5", ""}}, {{"Review", "", "https://x.test"}}},
               std::string("bc-1"),
               "How was <b>it</b>?\n\nReply 1-5."};
    auto back = message_body_from_json(to_json(m));
    REQUIRE(back);
    const auto& s = std::get<SendText>(*back);
    CHECK(s.chat_id == -1001234567890123);
    CHECK(s.text == m.text);
    REQUIRE(s.keyboard.size() == 2);
    CHECK(s.keyboard[0][1].callback_data == "rate:5");
    CHECK(s.keyboard[1][0].url == "https://x.test");
    CHECK(s.business_connection_id == std::optional<std::string>("bc-1"));
    CHECK(s.text_without_keyboard == m.text_without_keyboard);
  }
  SECTION("a callback answer") {
    auto back = message_body_from_json(to_json(AnswerCallback{"q-9", "Thanks"}));
    REQUIRE(back);
    CHECK(std::get<AnswerCallback>(*back).callback_query_id == "q-9");
    CHECK(chat_of(*back) == 0);
  }
  SECTION("a malformed payload is refused, not thrown") {
    CHECK_FALSE(message_body_from_json("{\"type\":\"send_text\"}"));
    CHECK_FALSE(message_body_from_json("not json"));
  }
}

TEST_CASE("set_chat points every chat message at a new chat and leaves callbacks alone",
          "[messages]") {
  MessageBody send = SendText{1, "hi", true, {}, {}};
  MessageBody edit = EditText{1, 5, "hi", true, {}};
  MessageBody bare = RemoveKeyboard{1, 5, {}};
  MessageBody callback = AnswerCallback{"q-1", ""};
  for (MessageBody* body : {&send, &edit, &bare, &callback}) set_chat(*body, -100777);
  CHECK(chat_of(send) == -100777);
  CHECK(chat_of(edit) == -100777);
  CHECK(std::get<EditText>(edit).message_id == 5);
  CHECK(chat_of(bare) == -100777);
  CHECK(chat_of(callback) == 0);
  CHECK(std::get<AnswerCallback>(callback).callback_query_id == "q-1");
}

TEST_CASE("message kinds and states map to their stored names and back", "[messages]") {
  CHECK(message_kind_from_string(to_string(MessageKind::kOwnerAlert)) == MessageKind::kOwnerAlert);
  CHECK_FALSE(message_kind_from_string("bogus"));
  CHECK(conversation_state_from_string("awaiting_comment") == ConversationState::kAwaitingComment);
  CHECK(transaction_type_from_string("transaction.refunded") == TransactionEvent::Type::kRefunded);
}

TEST_CASE("every payload kind round-trips text with quotes, control characters and non-ASCII",
          "[messages]") {
  const std::string hostile = "say \"hi\" \\ <b>&</b>\n\ttab\r\x01\x1f\x7f é ✓ 😀 end";
  const std::vector<MessageBody> bodies = {
      SendText{42,
               hostile,
               false,
               {{{hostile, "rate:\"1\"", ""}, {"url", "", hostile}}},
               hostile,
               hostile},
      SendText{-7, "", true, {}, std::nullopt},
      EditText{42, 9, hostile, true, hostile},
      EditText{42, 9, "x", false, std::nullopt},
      RemoveKeyboard{42, 10, hostile},
      RemoveKeyboard{42, 10, std::nullopt},
      AnswerCallback{hostile, hostile}};
  for (const MessageBody& body : bodies) {
    const std::string json = to_json(body);
    INFO(json);
    CHECK(nlohmann::json::accept(json));
    const auto back = message_body_from_json(json);
    REQUIRE(back);
    CHECK(to_json(*back) == json);
    CHECK(back->index() == body.index());
    CHECK(chat_of(*back) == chat_of(body));
  }
  const auto send_back = message_body_from_json(to_json(bodies[0]));
  const auto& send = std::get<SendText>(send_back.value());
  CHECK(send.text == hostile);
  CHECK_FALSE(send.html);
  CHECK(send.keyboard[0][0].text == hostile);
  CHECK(send.keyboard[0][0].callback_data == "rate:\"1\"");
  CHECK(send.keyboard[0][1].url == hostile);
  CHECK(send.business_connection_id == hostile);
  CHECK(send.text_without_keyboard == hostile);
  const auto edit_back = message_body_from_json(to_json(bodies[2]));
  const auto& edit = std::get<EditText>(edit_back.value());
  CHECK(edit.message_id == 9);
  CHECK(edit.text == hostile);
  CHECK(edit.business_connection_id == hostile);
  const auto answer_back = message_body_from_json(to_json(bodies[6]));
  const auto& answer = std::get<AnswerCallback>(answer_back.value());
  CHECK(answer.callback_query_id == hostile);
  CHECK(answer.text == hostile);
}

TEST_CASE("bytes that are not UTF-8 are stored as U+FFFD, never refused", "[messages]") {
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  const std::string broken =
      "a\x80"
      "b\xE2\x82"
      "c\xC0\xAF"
      "d\xED\xA0\x80"
      "e";
  const std::string json = to_json(SendText{1, broken, true, {}, {}});
  REQUIRE(nlohmann::json::accept(json));
  const auto back = message_body_from_json(json);
  REQUIRE(back);
  const std::string& text = std::get<SendText>(*back).text;
  CHECK(text.find('\x80') == std::string::npos);
  CHECK(text.rfind("a\xEF\xBF\xBD"
                   "b",
                   0) == 0);
  CHECK(text.back() == 'e');
}

TEST_CASE("an outbox payload is the one written ahead, unless the chat moved", "[messages]") {
  OutgoingMessage m;
  SendText text;
  text.chat_id = 42;
  text.text = "Hello";
  m.body = text;
  SECTION("nothing written ahead: the body is written now") {
    CHECK(outbox_payload(m, std::nullopt) == to_json(m.body));
  }
  SECTION("written ahead: bound as it is") {
    m.payload = "written ahead";
    CHECK(outbox_payload(m, std::nullopt) == "written ahead");
  }
  SECTION("the chat moved: the body is written anew, for the new chat") {
    m.payload = "written ahead";
    const auto moved = message_body_from_json(outbox_payload(m, -100500));
    REQUIRE(moved);
    CHECK(chat_of(*moved) == -100500);
    CHECK(std::get<SendText>(*moved).text == "Hello");
  }
}
