#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Status = store::ProcessResult::Status;

TEST_CASE("process applies a decision once, and a repeated key is a duplicate",
          "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());
  const auto first = apply(*s, event_key("evt-1"), request_decision(1001), {1001, {}, {}, {}});
  REQUIRE(first.status == Status::kApplied);
  CHECK(first.outcome.status == core::Outcome::Status::kScheduled);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM customers") == 1);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM conversations") == 1);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox") == 1);
  CHECK(query_text(db.path(), "SELECT outcome FROM events WHERE id = 'evt-1'") == "scheduled");

  SECTION("the same event id changes nothing and does not call decide") {
    bool called = false;
    auto again = s->process(event_key("evt-1"), {}, [&](const core::Snapshot&) {
      called = true;
      return request_decision(2002);
    });
    CHECK(again.status == Status::kDuplicate);
    CHECK_FALSE(called);
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM customers") == 1);
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox") == 1);
  }
  SECTION("telegram update ids are their own key space") {
    CHECK(apply(*s, update_key(7), core::Decision{}).status == Status::kApplied);
    CHECK(apply(*s, update_key(7), core::Decision{}).status == Status::kDuplicate);
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM processed_updates WHERE update_id = 7") == 1);
  }
  SECTION("a non-numeric update key is refused without writing") {
    auto bad = apply(*s, {store::InboundKey::Source::kTelegramUpdate, "12x"}, core::Decision{});
    CHECK(bad.status == Status::kUnavailable);
    CHECK_THAT(bad.error, Catch::Contains("12x"));
  }
}

TEST_CASE("a failed decision rolls back everything", "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());

  SECTION("decide throws") {
    auto r = s->process(event_key("evt-1"), {}, [](const core::Snapshot&) -> core::Decision {
      throw std::runtime_error("template missing");
    });
    CHECK(r.status == Status::kUnavailable);
    CHECK_THAT(r.error, Catch::Contains("template missing"));
  }
  SECTION("a write fails after earlier writes succeeded") {
    core::Decision d = request_decision(1001);
    d.business_connection = core::BusinessConnection{"bc-1", 42, true};
    d.park = core::TransactionEvent{};  // no external_id: refused after the other writes
    d.park->id = "evt-x";
    auto r = apply(*s, event_key("evt-1"), d);
    CHECK(r.status == Status::kUnavailable);
    CHECK_THAT(r.error, Catch::Contains("external_id"));
  }
  SECTION("a constraint is violated") {
    REQUIRE(apply(*s, event_key("evt-0"), request_decision(1001)).status == Status::kApplied);
    auto r = apply(*s, event_key("evt-1"), request_decision(1001));  // second customer, same chat
    CHECK(r.status == Status::kUnavailable);
    CHECK_THAT(r.error, Catch::Contains("UNIQUE"));
    // Undo the setup so the checks below see an empty database.
    SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE);
    raw.exec(
        "PRAGMA foreign_keys = ON; DELETE FROM outbox; DELETE FROM conversations; "
        "DELETE FROM customers; DELETE FROM events;");
  }
  for (const char* table : {"customers", "conversations", "outbox", "business_connections",
                            "events", "pending_events"}) {
    INFO(table);
    CHECK(query_int(db.path(), std::string("SELECT COUNT(*) FROM ") + table) == 0);
  }
  // The key was not recorded, so a redelivery is applied.
  CHECK(apply(*s, event_key("evt-1"), request_decision(1001)).status == Status::kApplied);
}

TEST_CASE("the snapshot holds the stored state the lookup names", "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());
  core::Decision linked;
  linked.customer = make_customer(1001, "C-77", "Ann");
  REQUIRE(apply(*s, event_key("e1"), linked).status == Status::kApplied);
  core::Decision other;
  other.customer = make_customer(2002, std::nullopt, "Bob");
  REQUIRE(apply(*s, event_key("e2"), other).status == Status::kApplied);

  SECTION("a customer by chat id") {
    auto snap = peek(*s, {1001, {}, {}, {}});
    REQUIRE(snap.customer);
    CHECK(snap.customer->name == "Ann");
    CHECK(snap.customer->external_id == std::optional<std::string>("C-77"));
  }
  SECTION("a customer by external id when the chat is unknown") {
    auto snap = peek(*s, {9999, std::string("C-77"), {}, {}});
    REQUIRE(snap.customer);
    CHECK(snap.customer->chat_id == std::optional<core::ChatId>(1001));
  }
  SECTION("the chat wins over the external id") {
    auto snap = peek(*s, {2002, std::string("C-77"), {}, {}});
    REQUIRE(snap.customer);
    CHECK(snap.customer->name == "Bob");
  }
  SECTION("nothing for unknown keys") {
    auto snap = peek(*s, {9999, std::string("C-00"), std::string("T-0"), std::string("bc-0")});
    CHECK_FALSE(snap.customer);
    CHECK_FALSE(snap.conversation);
    CHECK_FALSE(snap.transaction_conversation);
    CHECK_FALSE(snap.business_connection);
    CHECK(snap.pending_events.empty());
  }
  SECTION("the customer's latest conversation and the latest for a transaction") {
    const auto customer_id = peek(*s, {1001, {}, {}, {}}).customer->id;
    int n = 0;
    for (const char* tx : {"T-1", "T-1", "T-2"}) {
      core::Decision d;
      d.conversation = make_conversation(1001, std::string(tx));
      d.conversation->customer_id = customer_id;
      d.conversation->template_name = std::string("tpl-") + tx;
      REQUIRE(apply(*s, event_key("c-" + std::to_string(++n)), d).status == Status::kApplied);
    }
    auto snap = peek(*s, {1001, {}, std::string("T-1"), {}});
    REQUIRE(snap.conversation);
    REQUIRE(snap.transaction_conversation);
    CHECK(snap.conversation->transaction_id == std::optional<std::string>("T-2"));
    CHECK(snap.transaction_conversation->transaction_id == std::optional<std::string>("T-1"));
    CHECK(snap.transaction_conversation->id > 1);  // the second T-1, not the first
    CHECK(snap.conversation->id > snap.transaction_conversation->id);
  }
  SECTION("a business connection, upserted") {
    core::Decision d;
    d.business_connection = core::BusinessConnection{"bc-1", 42, true};
    REQUIRE(apply(*s, event_key("b1"), d).status == Status::kApplied);
    d.business_connection->enabled = false;
    REQUIRE(apply(*s, event_key("b2"), d).status == Status::kApplied);
    auto snap = peek(*s, {{}, {}, {}, std::string("bc-1")});
    REQUIRE(snap.business_connection);
    CHECK(snap.business_connection->owner_user_id == 42);
    CHECK_FALSE(snap.business_connection->enabled);
  }
  SECTION("pending events for an external id, oldest first, until unparked") {
    for (const char* id : {"p-2", "p-1", "p-3"}) {
      core::Decision d;
      d.outcome.status = core::Outcome::Status::kPendingLink;
      d.park = core::TransactionEvent{};
      d.park->id = id;
      d.park->external_id = std::string(std::string(id) == "p-3" ? "C-99" : "C-88");
      d.park->transaction_id = std::string("T-") + id;
      d.park->amount = 42.5;
      d.park->items = {{"Latte", "coffee"}};
      d.park->occurred_at = at(5);
      REQUIRE(apply(*s, event_key(id), d).status == Status::kApplied);
    }
    auto snap = peek(*s, {{}, std::string("C-88"), {}, {}});
    REQUIRE(snap.pending_events.size() == 2);
    CHECK(snap.pending_events[0].id == "p-2");
    CHECK(snap.pending_events[1].id == "p-1");
    CHECK(snap.pending_events[0].amount == std::optional<double>(42.5));
    CHECK(snap.pending_events[0].items.at(0).category == "coffee");
    CHECK(snap.pending_events[0].occurred_at == at(5));

    core::Decision consume;
    consume.unparked_event_ids = {"p-2", "p-1"};
    REQUIRE(apply(*s, event_key("link"), consume).status == Status::kApplied);
    CHECK(peek(*s, {{}, std::string("C-88"), {}, {}}).pending_events.empty());
    CHECK(peek(*s, {{}, std::string("C-99"), {}, {}}).pending_events.size() == 1);
  }
}

TEST_CASE("linking an external id moves it from any other customer", "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());
  core::Decision first;
  first.customer = make_customer(1001, "C-77");
  REQUIRE(apply(*s, event_key("e1"), first).status == Status::kApplied);
  core::Decision second;
  second.customer = make_customer(2002, "C-77");
  REQUIRE(apply(*s, event_key("e2"), second).status == Status::kApplied);
  CHECK_FALSE(peek(*s, {1001, {}, {}, {}}).customer->external_id);
  CHECK(peek(*s, {{}, std::string("C-77"), {}, {}}).customer->chat_id ==
        std::optional<core::ChatId>(2002));

  SECTION("an update of an existing customer keeps its id") {
    auto ann = *peek(*s, {1001, {}, {}, {}}).customer;
    ann.opted_out = true;
    ann.last_request_at = at(9);
    core::Decision d;
    d.customer = ann;
    REQUIRE(apply(*s, event_key("e3"), d).status == Status::kApplied);
    auto back = *peek(*s, {1001, {}, {}, {}}).customer;
    CHECK(back.id == ann.id);
    CHECK(back.opted_out);
    CHECK(back.last_request_at == std::optional<core::Time>(at(9)));
  }
}

TEST_CASE("new rows of a decision refer to each other through id 0", "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(apply(*s, event_key("e0"), request_decision(5)).status == Status::kApplied);  // ids 1
  core::Decision d = request_decision(1001);
  d.messages.push_back(make_text(core::MessageKind::kNotice, 1001, "no conversation", at(0)));
  REQUIRE(apply(*s, event_key("e1"), d).status == Status::kApplied);

  const int64_t conversation_id =
      query_int(db.path(), "SELECT id FROM conversations WHERE chat_id = 1001");
  const int64_t customer_id = query_int(db.path(), "SELECT id FROM customers WHERE chat_id = 1001");
  CHECK(conversation_id == 2);
  CHECK(query_int(db.path(), "SELECT customer_id FROM conversations WHERE id = 2") == customer_id);
  CHECK(query_int(db.path(),
                  "SELECT conversation_id FROM outbox WHERE kind = 'request' AND "
                  "chat_id = 1001") == conversation_id);
  CHECK(query_int(db.path(), "SELECT conversation_id IS NULL FROM outbox WHERE kind = 'notice'") ==
        1);
  CHECK(query_int(db.path(),
                  "SELECT next_attempt_at = due_at FROM outbox WHERE chat_id = 1001 "
                  "AND kind = 'request'") == 1);

  SECTION("customer id 0 means the snapshot's customer when the decision changes none") {
    core::Decision next;
    next.conversation = make_conversation(1001);
    REQUIRE(apply(*s, event_key("e2"), next, {1001, {}, {}, {}}).status == Status::kApplied);
    CHECK(query_int(db.path(), "SELECT customer_id FROM conversations WHERE id = 3") ==
          customer_id);
  }
  SECTION("a message for conversation 0 without a new conversation is refused") {
    core::Decision bad;
    bad.messages.push_back(make_text(core::MessageKind::kReminder, 1001, "?", at(0), 0));
    CHECK(apply(*s, event_key("e3"), bad).status == Status::kUnavailable);
  }
}

TEST_CASE("cancellations never touch rows created by the same decision", "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(apply(*s, event_key("e1"), request_decision(1001)).status == Status::kApplied);
  core::Decision reminders;
  reminders.messages = {make_text(core::MessageKind::kReminder, 1001, "r", at(100), 1),
                        make_text(core::MessageKind::kOwnerAlert, 1001, "a", at(100), 1)};
  REQUIRE(apply(*s, event_key("e2"), reminders).status == Status::kApplied);

  core::Decision rated;
  rated.cancellations = {{1, {core::MessageKind::kReminder}}};
  rated.messages = {make_text(core::MessageKind::kReminder, 1001, "new", at(200), 1)};
  REQUIRE(apply(*s, event_key("e3"), rated).status == Status::kApplied);

  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE payload LIKE '%\"r\"%'") ==
        "cancelled");
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE payload LIKE '%\"new\"%'") ==
        "pending");
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE kind = 'owner_alert'") == "pending");

  SECTION("no kinds cancels every pending row of the conversation") {
    core::Decision refund;
    refund.cancellations = {{1, {}}};
    REQUIRE(apply(*s, event_key("e4"), refund).status == Status::kApplied);
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == 0);
  }
}

TEST_CASE("text with SQL metacharacters is stored verbatim", "[store][process]") {
  TempDb db;
  auto s = open_store(db.path());
  const std::string nasty = "'); DROP TABLE reviews;-- \"quoted\" \\ % _ ★";
  core::Decision d = request_decision(1001);
  d.customer->name = nasty;
  d.conversation->rating = 1;
  d.conversation->comment = nasty;
  d.conversation->answered_at = at(10);
  REQUIRE(apply(*s, event_key(nasty), d).status == Status::kApplied);
  CHECK(apply(*s, event_key(nasty), d).status == Status::kDuplicate);

  auto page = s->list_reviews({});
  REQUIRE(page.ok());
  REQUIRE(page->reviews.size() == 1);
  CHECK(page->reviews[0].comment == std::optional<std::string>(nasty));
  CHECK(page->reviews[0].customer_name == nasty);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversations'") ==
        1);
}
