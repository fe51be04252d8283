#include "core/engine_fixture.h"
#include "reviewbot/core/links.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

namespace {

std::string start_link(const std::string& external_id, const std::string& secret = kLinkSecret) {
  auto parameter = make_start_parameter(secret, external_id);
  REQUIRE(parameter.ok());
  return "/start " + *parameter;
}

}  // namespace

TEST_CASE("lookup_for names the state each event needs", "[engine][identity]") {
  EngineFixture f;
  SECTION("a message: its chat, and the external id of a valid start link") {
    auto plain = f.lookup(text_from(kChat, "hi"));
    CHECK(plain.chat_id == kChat);
    CHECK_FALSE(plain.external_id);

    auto linked = f.lookup(text_from(kChat, start_link("C-77")));
    CHECK(linked.external_id == std::optional<std::string>("C-77"));
    CHECK_FALSE(f.lookup(text_from(kChat, start_link("C-77", "other-secret"))).external_id);
  }
  SECTION("a Business message or button: also its connection") {
    auto m = text_from(kChat, "hi");
    m.business_connection_id = "bc-1";
    CHECK(f.lookup(m).business_connection_id == std::optional<std::string>("bc-1"));
    auto p = press(kChat, "rate:1");
    p.business_connection_id = "bc-1";
    CHECK(f.lookup(p).chat_id == kChat);
    CHECK(f.lookup(p).business_connection_id == std::optional<std::string>("bc-1"));
  }
  SECTION("a block: the chat") {
    CHECK(f.lookup(MemberStatusChanged{kChat, true}).chat_id == kChat);
  }
  SECTION("a sale: chat, external id and transaction") {
    auto lookup = f.lookup(sale("evt-1", kChat, "C-77"));
    CHECK(lookup.chat_id == kChat);
    CHECK(lookup.external_id == std::optional<std::string>("C-77"));
    CHECK(lookup.transaction_id == std::optional<std::string>("T-1"));
    CHECK_FALSE(f.lookup(sale("evt-2", std::nullopt, "C-77")).chat_id);
  }
}

TEST_CASE("a sale for an unknown chat creates the customer", "[engine][identity]") {
  EngineFixture f;
  auto e = sale("evt-1", kChat, "C-77");
  e.customer_name = "Bob";
  e.locale = "de";
  const auto d = f.decide(e, Snapshot{});
  CHECK(d.outcome.status == Outcome::Status::kScheduled);
  REQUIRE(d.customer);
  CHECK(d.customer->id == 0);
  CHECK(d.customer->chat_id == kChat);
  CHECK(d.customer->external_id == std::optional<std::string>("C-77"));
  CHECK(d.customer->name == "Bob");
  CHECK(d.customer->locale == "de");
  REQUIRE(d.conversation);
  CHECK(d.conversation->customer_id == 0);
  CHECK(d.conversation->locale == "en");  // no "de" templates: fell back
}

TEST_CASE("a sale known only by external id waits for the customer to link", "[engine][identity]") {
  EngineFixture f;
  const auto parked = f.decide(sale("evt-1", std::nullopt, "C-77"), Snapshot{});
  CHECK(parked.outcome.status == Outcome::Status::kPendingLink);
  REQUIRE(parked.park);
  CHECK(parked.park->id == "evt-1");
  CHECK(parked.messages.empty());
  CHECK_FALSE(parked.customer);

  SECTION("opening the link schedules the newest waiting sale and consumes them all") {
    auto newer = sale("evt-2", std::nullopt, "C-77");
    newer.transaction_id = "T-2";
    Snapshot state = with(stored_customer());
    state.pending_events = {*parked.park, newer};

    const auto linked = f.decide(text_from(kChat, start_link("C-77")), state);
    CHECK(linked.outcome.status == Outcome::Status::kScheduled);
    CHECK(linked.unparked_event_ids == std::vector<std::string>{"evt-1", "evt-2"});
    REQUIRE(linked.customer);
    CHECK(linked.customer->external_id == std::optional<std::string>("C-77"));
    CHECK(linked.customer->started_bot);
    REQUIRE(linked.conversation);
    CHECK(linked.conversation->event_id == std::optional<std::string>("evt-2"));
    CHECK(linked.conversation->transaction_id == std::optional<std::string>("T-2"));
    CHECK(has(linked, Kind::kRequest));
  }
  SECTION("linking opts a customer back in, and policy still applies") {
    auto customer = stored_customer();
    customer.opted_out = true;
    customer.last_request_at = f.now - 24h;
    Snapshot state = with(customer);
    state.pending_events = {*parked.park};

    const auto linked = f.decide(text_from(kChat, start_link("C-77")), state);
    CHECK(linked.outcome.status == Outcome::Status::kSkipped);
    CHECK(linked.outcome.reason == "cooldown");
    CHECK(linked.unparked_event_ids == std::vector<std::string>{"evt-1"});
    CHECK_FALSE(linked.customer->opted_out);
    CHECK(kinds(linked) == std::vector{Kind::kNotice});
  }
  SECTION("a waiting sale that grew stale before the link was opened is not asked about") {
    auto stale = *parked.park;
    stale.occurred_at = f.now - std::chrono::hours(24 * 8);
    Snapshot state = with(stored_customer());
    state.pending_events = {stale};
    const auto linked = f.decide(text_from(kChat, start_link("C-77")), state);
    CHECK(linked.outcome.status == Outcome::Status::kSkipped);
    CHECK(linked.outcome.reason == "stale");
    CHECK(linked.unparked_event_ids == std::vector<std::string>{"evt-1"});
    CHECK_FALSE(linked.conversation);
  }
  SECTION("a forged link only starts the bot") {
    Snapshot state = with(stored_customer());
    const auto d = f.decide(text_from(kChat, start_link("C-77", "other-secret")), state);
    CHECK_FALSE(d.customer);  // nothing changed for a customer already started
    CHECK(d.unparked_event_ids.empty());
    CHECK_FALSE(d.conversation);
  }
  SECTION("a later sale naming the chat supersedes the waiting one") {
    Snapshot state;
    state.pending_events = {*parked.park};
    const auto d = f.decide(sale("evt-3", kChat, "C-77"), state);
    CHECK(d.outcome.status == Outcome::Status::kScheduled);
    CHECK(d.unparked_event_ids == std::vector<std::string>{"evt-1"});
  }
}

TEST_CASE("a linked customer is found by external id", "[engine][identity]") {
  EngineFixture f;
  auto customer = stored_customer();
  customer.external_id = "C-77";
  const auto d = f.decide(sale("evt-1", std::nullopt, "C-77"), with(customer));
  CHECK(d.outcome.status == Outcome::Status::kScheduled);
  CHECK(text_of(only(d, Kind::kRequest)).chat_id == kChat);
}

TEST_CASE("a deep link binds one chat: a second chat neither moves nor renames the customer",
          "[engine][identity]") {
  EngineFixture f;
  constexpr ChatId kCarol = 2001;
  constexpr ChatId kMallory = 2002;
  Customer carol = stored_customer(kCarol);
  carol.external_id = "C-77";
  carol.name = "Carol";
  Conversation open = awaiting_rating(f.now);
  open.chat_id = kCarol;
  // The store finds Carol by the link's external id: Mallory's chat has no customer yet.
  Snapshot state = with(carol, open);
  state.external_id_chat = kCarol;

  auto start = text_from(kMallory, start_link("C-77"));
  start.from_name = "Mallory";
  const auto d = f.decide(start, state);
  REQUIRE(d.customer);
  CHECK(d.customer->id == 0);  // a new, unlinked customer for Mallory's chat
  CHECK(d.customer->chat_id == kMallory);
  CHECK_FALSE(d.customer->external_id);
  CHECK(d.customer->telegram_name == "Mallory");
  CHECK_FALSE(d.conversation);  // Carol's open request is left alone
  CHECK(d.cancellations.empty());

  SECTION("nor can that chat answer Carol's request") {
    const auto rated = f.decide(text_from(kMallory, "1"), state);
    CHECK_FALSE(rated.conversation);
    CHECK(rated.messages.empty());
  }
  SECTION("a chat with its own customer cannot take the id either") {
    Snapshot own = with(stored_customer(kMallory));
    own.external_id_chat = kCarol;
    const auto again = f.decide(start, own);
    CHECK_FALSE((again.customer && again.customer->external_id));
  }
  SECTION("Carol opening her own link again is fine") {
    Snapshot hers = with(carol);
    hers.external_id_chat = kCarol;
    const auto d2 = f.decide(text_from(kCarol, start_link("C-77")), hers);
    CHECK_FALSE((d2.customer && d2.customer->chat_id != kCarol));
  }
}

TEST_CASE("forged presses and unknown Business connections count for nothing",
          "[engine][identity]") {
  EngineFixture f;
  SECTION("a press in a private chat by anyone but its user") {
    auto forged = press(kChat, "rate:1");
    forged.from_user_id = kChat + 1;
    forged.from_name = "Mallory";
    const auto d = f.decide(forged, with(stored_customer(), awaiting_rating(f.now)));
    CHECK_FALSE(d.conversation);
    CHECK_FALSE(d.customer);  // no renaming either
    CHECK(kinds(d) == std::vector{Kind::kCallbackAnswer});
  }
  SECTION("a Business message on a connection the bot never heard of") {
    auto m = text_from(kChat, "thank you!");
    m.business_connection_id = "bc-unknown";
    const auto d = f.decide(m, with(stored_customer()));
    CHECK(d.messages.empty());
    CHECK_FALSE(d.conversation);
    CHECK_FALSE(d.customer);
  }
  SECTION("a Business chat never renames a customer") {
    Customer ann = stored_customer();
    ann.telegram_name = "Ann";
    auto m = text_from(kChat, "hello");
    m.business_connection_id = "bc-1";
    m.from_name = "Renamed";
    Snapshot state = with(ann);
    state.business_connection = BusinessConnection{"bc-1", 4242, true};
    const auto d = f.decide(m, state);
    CHECK_FALSE((d.customer && d.customer->telegram_name != "Ann"));
  }
}
