#include "reviewbot/core/messages.h"

#include <catch2/catch.hpp>

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
