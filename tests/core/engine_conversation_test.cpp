#include "core/engine_fixture.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

TEST_CASE("a rating button is answered, shown on the request and followed by a comment prompt",
          "[engine][conversation]") {
  EngineFixture f;
  const auto d = f.decide(press(kChat, "rate:4"), with(stored_customer(), awaiting_rating(f.now)));

  CHECK(d.outcome.status == Outcome::Status::kHandled);
  REQUIRE(kinds(d) == std::vector{Kind::kCallbackAnswer, Kind::kRatingAck, Kind::kCommentPrompt});

  const auto& toast = std::get<AnswerCallback>(d.messages[0].body);
  CHECK(toast.callback_query_id == "cb-1");
  CHECK(toast.text == "★★★★☆");

  const auto& edit = std::get<EditText>(d.messages[1].body);
  CHECK(edit.message_id == kRequestMessageId);
  CHECK(edit.chat_id == kChat);
  CHECK(edit.text == "You rated 4");

  const auto& prompt = text_of(d.messages[2]);
  CHECK(prompt.text == "Anything to add?");
  REQUIRE(prompt.keyboard.size() == 1);
  REQUIRE(prompt.keyboard[0].size() == 1);
  CHECK(prompt.keyboard[0][0].text == "Skip");
  CHECK(prompt.keyboard[0][0].callback_data == "skip");
  for (const auto& m : d.messages) CHECK(m.due_at == f.now);

  REQUIRE(d.conversation);
  CHECK(d.conversation->id == kConversationId);
  CHECK(d.conversation->state == ConversationState::kAwaitingComment);
  CHECK(d.conversation->rating == 4);
  CHECK(d.conversation->answered_at == f.now);

  SECTION("the pending reminder (and a request not yet sent) is cancelled") {
    REQUIRE(d.cancellations.size() == 1);
    CHECK(d.cancellations[0].conversation_id == kConversationId);
    CHECK(d.cancellations[0].kinds == std::vector{Kind::kRequest, Kind::kReminder});
  }
  SECTION("a rating of 4 alerts nobody") { CHECK_FALSE(has(d, Kind::kOwnerAlert)); }
}

TEST_CASE("a typed rating counts like a button", "[engine][conversation]") {
  EngineFixture f;
  const auto state = with(stored_customer(), awaiting_rating(f.now));

  SECTION("the digit 4") {
    const auto d = f.decide(text_from(kChat, "4"), state);
    REQUIRE(d.conversation);
    CHECK(d.conversation->rating == 4);
    CHECK(kinds(d) == std::vector{Kind::kRatingAck, Kind::kCommentPrompt});
    CHECK(std::get<EditText>(only(d, Kind::kRatingAck).body).message_id == kRequestMessageId);
  }
  SECTION("three stars") {
    const auto d = f.decide(text_from(kChat, "★★★"), state);
    REQUIRE(d.conversation);
    CHECK(d.conversation->rating == 3);
    CHECK(d.conversation->state == ConversationState::kAwaitingComment);
  }
  SECTION("before the request was sent there is nothing to edit") {
    auto unsent = state;
    unsent.conversation->request_message_id.reset();
    const auto d = f.decide(text_from(kChat, "5"), unsent);
    CHECK(kinds(d) == std::vector{Kind::kCommentPrompt});
    CHECK(d.conversation->rating == 5);
  }
  SECTION("a digit typed before a delayed request is due answers nothing") {
    auto delayed = state;
    delayed.conversation->requested_at = f.now + 1h;
    delayed.conversation->request_message_id.reset();
    const auto d = f.decide(text_from(kChat, "5"), delayed);
    CHECK_FALSE(d.conversation);
    CHECK(d.messages.empty());
    CHECK_FALSE(d.inbox_message);  // a bare rating is no message for the owner
  }
  SECTION("other text while awaiting a rating answers nothing and goes to the inbox") {
    const auto d = f.decide(text_from(kChat, "what is this?"), state);
    CHECK(d.inbox_message);
    CHECK(d.messages.empty());
    CHECK_FALSE(d.conversation);
  }
}

TEST_CASE("a stale rating button only says the question is closed", "[engine][conversation]") {
  EngineFixture f;
  auto check_closed = [&](const Snapshot& state, const CallbackPressed& p) {
    const auto d = f.decide(p, state);
    CHECK(d.outcome.status == Outcome::Status::kIgnored);
    REQUIRE(kinds(d) == std::vector{Kind::kCallbackAnswer});
    CHECK(std::get<AnswerCallback>(d.messages[0].body).text == "Closed");
    CHECK_FALSE(d.conversation);
    CHECK(d.cancellations.empty());
  };
  SECTION("a button on an older request") {
    check_closed(with(stored_customer(), awaiting_rating(f.now)), press(kChat, "rate:5", 111));
  }
  SECTION("a conversation already rated") {
    check_closed(with(stored_customer(), awaiting_comment(f.now, 3)), press(kChat, "rate:5"));
  }
  SECTION("an expired conversation") {
    auto conv = awaiting_rating(f.now);
    conv.expires_at = f.now;
    check_closed(with(stored_customer(), conv), press(kChat, "rate:5"));
  }
  SECTION("an unknown chat") { check_closed(Snapshot{}, press(kChat, "rate:5")); }
  SECTION("data the engine never sent") {
    check_closed(with(stored_customer(), awaiting_rating(f.now)), press(kChat, "rate:9"));
  }
}

TEST_CASE("a comment finishes the conversation with a thank-you and the review link",
          "[engine][conversation]") {
  EngineFixture f;
  const auto d = f.decide(text_from(kChat, "Great latte", 801),
                          with(stored_customer(), awaiting_comment(f.now, 5)));

  CHECK(d.outcome.status == Outcome::Status::kHandled);
  REQUIRE(d.conversation);
  CHECK(d.conversation->state == ConversationState::kDone);
  CHECK(d.conversation->comment == std::optional<std::string>("Great latte"));
  CHECK(d.conversation->comment_message_id == 801);

  const auto& thanks = text_of(only(d, Kind::kThankYou));
  CHECK(thanks.text == "Thank you!");
  REQUIRE(thanks.keyboard.size() == 1);
  CHECK(thanks.keyboard[0][0].text == "Review us");
  CHECK(thanks.keyboard[0][0].url == kReviewUrl);
  CHECK_FALSE(has(d, Kind::kOwnerAlert));

  CHECK_FALSE(has(d, Kind::kNotice));  // the prompt's id is unknown: nothing to edit

  SECTION("the prompt's Skip button goes once a comment is typed") {
    Conversation prompted = awaiting_comment(f.now, 5);
    prompted.prompt_message_id = 650;
    const auto typed =
        f.decide(text_from(kChat, "Great latte", 801), with(stored_customer(), prompted));
    const auto& removal = std::get<RemoveKeyboard>(only(typed, Kind::kNotice).body);
    CHECK(removal.chat_id == kChat);
    CHECK(removal.message_id == 650);
    CHECK(has(typed, Kind::kThankYou));
  }
  SECTION("without REVIEW_URL there is no button") {
    f.settings.review_url.clear();
    const auto plain = f.decide(text_from(kChat, "Great latte", 801),
                                with(stored_customer(), awaiting_comment(f.now, 5)));
    CHECK(text_of(only(plain, Kind::kThankYou)).keyboard.empty());
  }
}

TEST_CASE("Skip finishes the conversation without a comment", "[engine][conversation]") {
  EngineFixture f;
  const auto d =
      f.decide(press(kChat, "skip", 600), with(stored_customer(), awaiting_comment(f.now, 4)));

  REQUIRE(d.conversation);
  CHECK(d.conversation->state == ConversationState::kDone);
  CHECK_FALSE(d.conversation->comment);
  CHECK(kinds(d) == std::vector{Kind::kCallbackAnswer, Kind::kCommentPrompt, Kind::kThankYou});
  CHECK(std::get<RemoveKeyboard>(d.messages[1].body).message_id == 600);

  SECTION("a second Skip finds nothing to skip") {
    const auto again = f.decide(press(kChat, "skip", 600), after(with(stored_customer()), d));
    CHECK(kinds(again) == std::vector{Kind::kCallbackAnswer});
    CHECK(std::get<AnswerCallback>(again.messages[0].body).text == "Closed");
  }
}

TEST_CASE("a low rating alerts the owner, with the comment once it comes",
          "[engine][conversation]") {
  EngineFixture f;
  const auto rated =
      f.decide(press(kChat, "rate:1"), with(stored_customer(), awaiting_rating(f.now)));

  const auto& pending = only(rated, Kind::kOwnerAlert);
  CHECK(pending.due_at == f.now + f.policy.comment_window);
  CHECK(pending.conversation_id == kConversationId);
  CHECK(text_of(pending).chat_id == kOwnerChat);
  CHECK(text_of(pending).text == "Rating 1 from Ann: []");

  SECTION("the comment cancels the waiting alert and sends one with the comment now") {
    f.now += 5min;
    const auto commented =
        f.decide(text_from(kChat, "Cold coffee", 802), after(with(stored_customer()), rated));
    REQUIRE(commented.cancellations.size() == 1);
    CHECK(commented.cancellations[0].kinds == std::vector{Kind::kOwnerAlert});
    const auto& alert = only(commented, Kind::kOwnerAlert);
    CHECK(alert.due_at == f.now);
    CHECK(text_of(alert).text == "Rating 1 from Ann: [Cold coffee]");

    const auto& thanks = text_of(only(commented, Kind::kThankYou));
    REQUIRE(thanks.keyboard.size() == 1);
    CHECK(thanks.keyboard[0][0].url == kReviewUrl);
  }
  SECTION("a very long comment is shortened in the alert but stored whole") {
    const std::string essay(5000, 'x');
    const auto commented =
        f.decide(text_from(kChat, essay, 803), after(with(stored_customer()), rated));
    const std::string alert = text_of(only(commented, Kind::kOwnerAlert)).text;
    CHECK(alert == "Rating 1 from Ann: [" + std::string(1000, 'x') + "…]");
    REQUIRE(commented.conversation);
    CHECK(commented.conversation->comment == essay);
  }
  SECTION("Skip sends the alert now without a comment") {
    const auto skipped = f.decide(press(kChat, "skip", 600), after(with(stored_customer()), rated));
    CHECK(only(skipped, Kind::kOwnerAlert).due_at == f.now);
  }
  SECTION("without an owner chat nobody is alerted") {
    f.settings.owner_chat_id.reset();
    const auto d =
        f.decide(press(kChat, "rate:2"), with(stored_customer(), awaiting_rating(f.now)));
    CHECK_FALSE(has(d, Kind::kOwnerAlert));
  }
}

TEST_CASE("a rating of 5 gets the same review link as a rating of 1", "[engine][conversation]") {
  EngineFixture f;
  for (int rating : {1, 5}) {
    const auto rated = f.decide(press(kChat, "rate:" + std::to_string(rating)),
                                with(stored_customer(), awaiting_rating(f.now)));
    const auto done = f.decide(text_from(kChat, "ok", 803), after(with(stored_customer()), rated));
    const auto& thanks = text_of(only(done, Kind::kThankYou));
    REQUIRE(thanks.keyboard.size() == 1);
    CHECK(thanks.keyboard[0][0].url == kReviewUrl);
  }
}

TEST_CASE("editing the comment message updates the stored comment", "[engine][conversation]") {
  EngineFixture f;
  auto conv = awaiting_comment(f.now, 2);
  conv.state = ConversationState::kDone;
  conv.comment = "Cold cofee";
  conv.comment_message_id = 802;

  auto edit = text_from(kChat, "Cold coffee", 802);
  edit.edited = true;
  const auto d = f.decide(edit, with(stored_customer(), conv));
  REQUIRE(d.conversation);
  CHECK(d.conversation->comment == std::optional<std::string>("Cold coffee"));
  CHECK(d.messages.empty());

  SECTION("an edit of any other message changes nothing") {
    edit.message_id = 700;
    const auto other = f.decide(edit, with(stored_customer(), conv));
    CHECK_FALSE(other.conversation);
    CHECK(other.outcome.status == Outcome::Status::kIgnored);
  }
}
