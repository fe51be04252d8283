#include "core/engine_fixture.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

namespace {

constexpr UserId kOwnerUser = 5005;
const std::string kConnection = "bc-1";

MessageReceived business_text(UserId from, std::string text) {
  auto m = text_from(kChat, std::move(text));
  m.from_user_id = from;
  m.business_connection_id = kConnection;
  return m;
}

Snapshot with_connection(Snapshot s, bool enabled = true) {
  s.business_connection = BusinessConnection{kConnection, kOwnerUser, enabled};
  return s;
}

}  // namespace

TEST_CASE("a thank-you note starts a review request at once", "[engine][triggers]") {
  EngineFixture f;
  const auto d = f.decide(text_from(kChat, "thank you so much!"), with(stored_customer()));

  CHECK(d.outcome.status == Outcome::Status::kScheduled);
  const auto& request = only(d, Kind::kRequest);
  CHECK(request.due_at == f.now);
  CHECK(text_of(request).text == "Glad you liked it, Ann! Rate us?");
  REQUIRE(d.conversation);
  CHECK(d.conversation->trigger == Trigger::kThankYou);
  CHECK(d.conversation->template_name == "thanks");
  CHECK_FALSE(d.conversation->event_id);
  CHECK_FALSE(d.conversation->transaction_id);

  SECTION("from a chat the bot has never seen, the customer is created") {
    const auto fresh = f.decide(text_from(kChat, "thanks!"), Snapshot{});
    CHECK(fresh.outcome.status == Outcome::Status::kScheduled);
    REQUIRE(fresh.customer);
    CHECK(fresh.customer->id == 0);
    CHECK(fresh.customer->chat_id == kChat);
    CHECK(fresh.customer->name.empty());  // the shop has not named them
    CHECK(fresh.customer->telegram_name == "Ann");
    CHECK(fresh.customer->started_bot);
    CHECK(fresh.conversation->customer_id == 0);
  }
}

TEST_CASE("messages that are not thanks start nothing", "[engine][triggers]") {
  EngineFixture f;
  for (const char* text : {"no thanks", "hello", ""}) {
    INFO(text);
    const auto d = f.decide(text_from(kChat, text), with(stored_customer()));
    CHECK(d.messages.empty());
    CHECK_FALSE(d.conversation);
    // Words for the owner's inbox; an empty message (a sticker) is not.
    CHECK(d.inbox_message.has_value() == (*text != '\0'));
  }
}

TEST_CASE("a message updates the customer's Telegram name and language", "[engine][triggers]") {
  EngineFixture f;
  auto m = text_from(kChat, "/settings");
  m.from_name = "Anna K";
  m.language_code = "pt-BR";
  const auto d = f.decide(m, with(stored_customer()));
  REQUIRE(d.customer);
  CHECK(d.customer->telegram_name == "Anna K");
  CHECK(d.customer->name == "Ann");  // the shop's name stays
  CHECK(d.customer->locale == "pt-br");
  CHECK(d.outcome.status == Outcome::Status::kIgnored);
}

TEST_CASE("in a Business chat only the customer's own messages count", "[engine][triggers]") {
  EngineFixture f;
  SECTION("the owner's own thank-you is ignored") {
    const auto d =
        f.decide(business_text(kOwnerUser, "thanks!"), with_connection(with(stored_customer())));
    CHECK(d.outcome.status == Outcome::Status::kIgnored);
    CHECK(d.messages.empty());
    CHECK_FALSE(d.customer);
  }
  SECTION("any sender other than the chat's user is ignored, connection known or not") {
    CHECK(f.decide(business_text(4242, "thanks!"), with(stored_customer())).outcome.status ==
          Outcome::Status::kIgnored);
  }
  SECTION("the owner pressing a rating button in the chat changes nothing") {
    auto p = press(kChat, "rate:5");
    p.from_user_id = kOwnerUser;
    p.business_connection_id = kConnection;
    const auto d = f.decide(p, with_connection(with(stored_customer(), awaiting_rating(f.now))));
    CHECK(kinds(d) == std::vector{Kind::kCallbackAnswer});
    CHECK_FALSE(d.conversation);
  }
  SECTION("a disabled connection is ignored") {
    CHECK(f.decide(business_text(kChat, "thanks!"), with_connection(with(stored_customer()), false))
              .outcome.status == Outcome::Status::kIgnored);
  }
}

TEST_CASE("a Business conversation replies through its connection", "[engine][triggers]") {
  EngineFixture f;
  const auto state = with_connection(with(stored_customer()));
  const auto d = f.decide(business_text(kChat, "thanks!"), state);

  CHECK(d.outcome.status == Outcome::Status::kScheduled);
  REQUIRE(d.conversation);
  CHECK(d.conversation->business_connection_id == kConnection);
  REQUIRE(d.customer);
  CHECK(d.customer->business_connection_id == kConnection);
  for (const auto& m : d.messages) {
    CHECK(text_of(m).business_connection_id == kConnection);
  }

  SECTION("the answers stay in that chat") {
    auto p = press(kChat, "rate:2");
    p.business_connection_id = kConnection;
    auto rated_state = after(state, d);
    rated_state.conversation->request_message_id = kRequestMessageId;
    const auto rated = f.decide(p, rated_state);
    CHECK(std::get<EditText>(only(rated, Kind::kRatingAck).body).business_connection_id ==
          kConnection);
    CHECK(text_of(only(rated, Kind::kCommentPrompt)).business_connection_id == kConnection);
    CHECK_FALSE(text_of(only(rated, Kind::kOwnerAlert)).business_connection_id);

    const auto done = f.decide(business_text(kChat, "slow service"), after(rated_state, rated));
    CHECK(text_of(only(done, Kind::kThankYou)).business_connection_id == kConnection);
  }
  SECTION("a message in the bot's own chat is not an answer to it") {
    const auto direct = f.decide(text_from(kChat, "5"), after(state, d));
    CHECK_FALSE(direct.conversation);
    CHECK(direct.outcome.status == Outcome::Status::kIgnored);
  }
}

TEST_CASE("a Business connection update is stored", "[engine][triggers]") {
  EngineFixture f;
  const auto d = f.decide(BusinessConnectionChanged{kConnection, kOwnerUser, false});
  REQUIRE(d.business_connection);
  CHECK(d.business_connection->id == kConnection);
  CHECK(d.business_connection->owner_user_id == kOwnerUser);
  CHECK_FALSE(d.business_connection->enabled);
  CHECK(f.lookup(BusinessConnectionChanged{kConnection, kOwnerUser, true}).business_connection_id ==
        kConnection);
}

TEST_CASE("a sale reaches a customer known only from a Business chat through that chat",
          "[engine][triggers]") {
  EngineFixture f;
  auto customer = stored_customer();
  customer.business_connection_id = kConnection;
  customer.started_bot = false;
  const auto d = f.decide(sale("evt-1", kChat), with(customer));
  CHECK(text_of(only(d, Kind::kRequest)).business_connection_id == kConnection);
  CHECK(d.conversation->business_connection_id == kConnection);

  SECTION("once they wrote to the bot, the bot's own chat is used") {
    customer.started_bot = true;
    const auto direct = f.decide(sale("evt-1", kChat), with(customer));
    CHECK_FALSE(text_of(only(direct, Kind::kRequest)).business_connection_id);
  }
}
