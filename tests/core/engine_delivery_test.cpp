// Engine rules for delivery results (core::DeliveryReport): what a sent request or an
// unreachable chat means for the customer, the conversation and the queue.
#include "core/engine_fixture.h"

using namespace reviewbot;
using namespace reviewbot::core;
using namespace reviewbot::testing;

namespace {

DeliveryReport sent(MessageKind kind, int64_t message_id,
                    std::optional<int64_t> conversation = kConversationId) {
  return {DeliveryReport::Result::kSent, kind, kChat, conversation, message_id};
}

DeliveryReport unreachable(ChatId chat = kChat) {
  return {DeliveryReport::Result::kUnreachable, MessageKind::kRequest, chat, kConversationId, {}};
}

Conversation unsent_request(Time now) {
  Conversation conv = awaiting_rating(now);
  conv.request_message_id.reset();
  return conv;
}

}  // namespace

TEST_CASE("a sent request keeps its message id on the conversation and schedules its reminder",
          "[engine][delivery]") {
  EngineFixture f;
  const auto report = sent(MessageKind::kRequest, 900);
  CHECK(f.lookup(report).chat_id == std::optional<ChatId>(kChat));
  const auto d = f.decide(report, with(stored_customer(), unsent_request(f.now)));
  CHECK(d.outcome.status == Outcome::Status::kHandled);
  REQUIRE(d.conversation);
  CHECK(d.conversation->id == kConversationId);
  CHECK(d.conversation->request_message_id == std::optional<int64_t>(900));
  CHECK(d.conversation->state == ConversationState::kAwaitingRating);
  CHECK_FALSE(d.customer);
  CHECK_FALSE(d.cancel_chat);
  // A reminder queued with the request by an earlier version is replaced, not doubled.
  REQUIRE(d.cancellations.size() == 1);
  CHECK(d.cancellations[0].conversation_id == kConversationId);
  CHECK(d.cancellations[0].kinds == std::vector{MessageKind::kReminder});

  // REMINDER_AFTER from the send, not from when the request was scheduled (an hour ago).
  REQUIRE(d.messages.size() == 1);
  const auto& reminder = d.messages[0];
  CHECK(reminder.kind == MessageKind::kReminder);
  CHECK(reminder.due_at == f.now + 24h);
  CHECK(reminder.conversation_id == std::optional<int64_t>(kConversationId));
  const auto& body = text_of(reminder);
  CHECK(body.chat_id == kChat);
  CHECK(body.text == "Reminder from Cafe");
  CHECK(body.keyboard.empty());

  SECTION("REMINDER_AFTER=0 schedules none") {
    f.policy.reminder_after = 0ms;
    const auto without = f.decide(report, with(stored_customer(), unsent_request(f.now)));
    CHECK(without.conversation);
    CHECK(without.messages.empty());
  }
  SECTION("none when the conversation would expire first") {
    Conversation conv = unsent_request(f.now);
    conv.expires_at = f.now + 24h;
    CHECK(f.decide(report, with(stored_customer(), conv)).messages.empty());
  }
  SECTION("quiet hours move it to the window's end") {
    f.policy.quiet_hours = QuietHours{11 * 60, 14 * 60};  // sent at 12:00 UTC
    const auto quiet = f.decide(report, with(stored_customer(), unsent_request(f.now)));
    REQUIRE(quiet.messages.size() == 1);
    CHECK(quiet.messages[0].due_at == f.now + 26h);
  }
  SECTION("none once the customer has rated (a typed rating can come first)") {
    const auto rated = f.decide(report, with(stored_customer(), awaiting_comment(f.now, 4)));
    CHECK(rated.messages.empty());
  }
}

TEST_CASE("a sent comment prompt keeps its message id, for taking Skip away later",
          "[engine][delivery]") {
  EngineFixture f;
  const auto d = f.decide(sent(MessageKind::kCommentPrompt, 950),
                          with(stored_customer(), awaiting_comment(f.now, 4)));
  REQUIRE(d.conversation);
  CHECK(d.conversation->prompt_message_id == std::optional<int64_t>(950));
  CHECK(d.conversation->state == ConversationState::kAwaitingComment);
}

TEST_CASE("other sent messages change nothing", "[engine][delivery]") {
  EngineFixture f;
  const auto state = with(stored_customer(), unsent_request(f.now));
  SECTION("a thank-you") {
    CHECK_FALSE(f.decide(sent(MessageKind::kThankYou, 901), state).conversation);
  }
  SECTION("a request of another conversation") {
    CHECK_FALSE(
        f.decide(sent(MessageKind::kRequest, 902, kConversationId - 1), state).conversation);
  }
  SECTION("a request whose id is already kept") {
    Conversation conv = unsent_request(f.now);
    conv.request_message_id = 903;
    const auto d = f.decide(sent(MessageKind::kRequest, 903), with(stored_customer(), conv));
    CHECK_FALSE(d.conversation);
    CHECK(d.outcome.status == Outcome::Status::kIgnored);
  }
  SECTION("a chat the store no longer knows") {
    CHECK_FALSE(f.decide(sent(MessageKind::kRequest, 904), Snapshot{}).conversation);
  }
}

TEST_CASE("an unreachable chat: customer unreachable, queue cancelled, conversation closed",
          "[engine][delivery]") {
  EngineFixture f;
  const auto d = f.decide(unreachable(), with(stored_customer(), awaiting_rating(f.now)));
  CHECK(d.outcome.status == Outcome::Status::kHandled);
  REQUIRE(d.customer);
  CHECK(d.customer->unreachable);
  REQUIRE(d.conversation);
  CHECK(d.conversation->state == ConversationState::kCancelled);
  CHECK(d.messages.empty());
  CHECK(d.cancel_chat == std::optional<ChatId>(kChat));

  const auto state = after(with(stored_customer(), awaiting_rating(f.now)), d);
  const auto next_sale = f.decide(sale("evt-9", kChat), state);
  CHECK(next_sale.outcome.status == Outcome::Status::kSkipped);
  CHECK(next_sale.outcome.reason == "unreachable");
  SECTION("writing to the bot again makes them reachable") {
    const auto back = f.decide(text_from(kChat, "hello"), state);
    REQUIRE(back.customer);
    CHECK_FALSE(back.customer->unreachable);
  }
}

TEST_CASE("an unreachable chat without a customer (the owner's) only stops its queue",
          "[engine][delivery]") {
  EngineFixture f;
  const auto d = f.decide(unreachable(kOwnerChat), Snapshot{});
  CHECK_FALSE(d.customer);
  CHECK_FALSE(d.conversation);
  CHECK(d.cancellations.empty());
  CHECK(d.cancel_chat == std::optional<ChatId>(kOwnerChat));
}

TEST_CASE("a request the platform refused for good closes its conversation, with no cooldown",
          "[engine][delivery]") {
  EngineFixture f;
  auto customer = stored_customer();
  customer.last_request_at = f.now - 1h;
  const DeliveryReport refused{
      DeliveryReport::Result::kRefused, MessageKind::kRequest, kChat, kConversationId, {}};
  const auto d = f.decide(refused, with(customer, unsent_request(f.now)));
  CHECK(d.outcome.status == Outcome::Status::kHandled);
  REQUIRE(d.conversation);
  CHECK(d.conversation->state == ConversationState::kCancelled);
  REQUIRE(d.cancellations.size() == 1);
  CHECK(d.cancellations[0].conversation_id == kConversationId);
  CHECK(d.cancellations[0].kinds.empty());  // the reminder too
  REQUIRE(d.customer);
  CHECK_FALSE(d.customer->last_request_at);
  CHECK(d.messages.empty());
  CHECK_FALSE(d.cancel_chat);  // the chat itself is fine

  SECTION("the next sale asks at once") {
    CHECK(f.decide(sale("evt-2", kChat), after(with(customer, unsent_request(f.now)), d))
              .outcome.status == Outcome::Status::kScheduled);
  }
  SECTION("a refused reminder, or a request already answered, changes nothing") {
    DeliveryReport reminder = refused;
    reminder.kind = MessageKind::kReminder;
    CHECK_FALSE(f.decide(reminder, with(customer, unsent_request(f.now))).conversation);
    Conversation rated = unsent_request(f.now);
    rated.state = ConversationState::kAwaitingComment;
    CHECK_FALSE(f.decide(refused, with(customer, rated)).conversation);
  }
}
