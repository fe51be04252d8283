#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Delivery = store::DeliveryOutcome::Status;

namespace {

std::string text_of(const store::OutboxRow& row) { return std::get<core::SendText>(row.body).text; }

std::vector<std::string> claim_texts(store::Store& s, core::Time now, int limit = 10) {
  auto rows = s.claim_due(now, limit);
  REQUIRE(rows.ok());
  std::vector<std::string> texts;
  for (const auto& row : *rows) {
    texts.push_back(std::holds_alternative<core::SendText>(row.body) ? text_of(row) : "callback");
  }
  return texts;
}

int64_t id_of(const std::string& path, const std::string& text) {
  return query_int(path,
                   "SELECT id FROM outbox WHERE json_extract(payload, '$.text') = '" + text + "'");
}

void enqueue(store::Store& s, const std::string& key, std::vector<core::OutgoingMessage> messages) {
  core::Decision d;
  d.messages = std::move(messages);
  REQUIRE(apply(s, event_key(key), d).status == store::ProcessResult::Status::kApplied);
}

}  // namespace

TEST_CASE("claim_due keeps each chat's messages in order", "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "A1", at(0)),
           make_text(core::MessageKind::kNotice, 1, "A2", at(1)),
           make_text(core::MessageKind::kNotice, 2, "B1", at(2)),
           make_text(core::MessageKind::kNotice, 2, "B-later", at(100))});

  CHECK(claim_texts(*s, at(10)) == std::vector<std::string>{"A1", "B1"});

  SECTION("a chat's second message waits while the first is in flight") {
    CHECK(claim_texts(*s, at(10)).empty());
    REQUIRE(s->complete(id_of(db.path(), "B1"), {Delivery::kSent, 11, {}, ""}, at(10)).ok());
    CHECK(claim_texts(*s, at(10)).empty());  // B-later is not due; A2 waits for A1
    REQUIRE(s->complete(id_of(db.path(), "A1"), {Delivery::kSent, 12, {}, ""}, at(10)).ok());
    CHECK(claim_texts(*s, at(10)) == std::vector<std::string>{"A2"});
  }
  SECTION("a chat's second message waits while the first waits for a retry") {
    REQUIRE(
        s->complete(id_of(db.path(), "A1"), {Delivery::kRetry, {}, at(30), "429"}, at(10)).ok());
    REQUIRE(s->complete(id_of(db.path(), "B1"), {Delivery::kSent, 11, {}, ""}, at(10)).ok());
    CHECK(claim_texts(*s, at(20)).empty());
    CHECK(s->next_due() == std::optional<core::Time>(at(30)));
    auto rows = s->claim_due(at(30), 10);
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 1);
    CHECK(text_of(rows->at(0)) == "A1");
    CHECK(rows->at(0).attempts == 1);
    CHECK(query_text(db.path(), "SELECT last_error FROM outbox WHERE id = " +
                                    std::to_string(rows->at(0).id)) == "429");
  }
  SECTION("a failed message no longer blocks its chat") {
    REQUIRE(
        s->complete(id_of(db.path(), "A1"), {Delivery::kFailed, {}, {}, "400 bad"}, at(10)).ok());
    CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE id = " +
                                    std::to_string(id_of(db.path(), "A1"))) == "failed");
    CHECK(claim_texts(*s, at(10)) == std::vector<std::string>{"A2"});
  }
  SECTION("release_claims makes claimed rows due again") {
    REQUIRE(s->release_claims().ok());
    CHECK(claim_texts(*s, at(10)) == std::vector<std::string>{"A1", "B1"});
  }
}

TEST_CASE("a deferred row is unclaimed until its new time without counting an attempt",
          "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "A1", at(0)),
           make_text(core::MessageKind::kNotice, 1, "A2", at(1))});
  REQUIRE(claim_texts(*s, at(10)) == std::vector<std::string>{"A1"});
  const int64_t a1 = id_of(db.path(), "A1");
  REQUIRE(s->complete(a1, {Delivery::kDeferred, {}, at(12), ""}, at(10)).ok());

  CHECK(claim_texts(*s, at(11)).empty());  // A1 waits for 12; A2 still waits behind it
  CHECK(s->next_due() == std::optional<core::Time>(at(12)));
  auto rows = s->claim_due(at(12), 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(text_of(rows->at(0)) == "A1");
  CHECK(rows->at(0).attempts == 0);
  CHECK(query_int(db.path(), "SELECT attempts FROM outbox WHERE id = " + std::to_string(a1)) == 0);
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE id = " + std::to_string(a1)) ==
        "pending");
}

TEST_CASE("claim_due takes due rows only, oldest first, up to the limit", "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  CHECK_FALSE(s->next_due());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kNotice, 3, "C", at(5)),
           make_text(core::MessageKind::kNotice, 1, "A", at(3)),
           make_text(core::MessageKind::kNotice, 2, "B", at(4)),
           make_text(core::MessageKind::kNotice, 4, "D", at(50))});
  CHECK(s->next_due() == std::optional<core::Time>(at(3)));
  CHECK(claim_texts(*s, at(2)).empty());
  CHECK(claim_texts(*s, at(10), 2) == std::vector<std::string>{"A", "B"});
  CHECK(claim_texts(*s, at(10), 2) == std::vector<std::string>{"C"});
  CHECK(s->next_due() == std::optional<core::Time>(at(50)));
  CHECK(claim_texts(*s, at(10), 0).empty());
}

TEST_CASE("callback answers are not chat-ordered", "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  core::Decision d;
  d.messages = {{core::MessageKind::kCallbackAnswer, core::AnswerCallback{"q1", ""}, at(0), {}},
                {core::MessageKind::kCallbackAnswer, core::AnswerCallback{"q2", ""}, at(0), {}}};
  REQUIRE(apply(*s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  auto rows = s->claim_due(at(1), 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK(std::get<core::AnswerCallback>(rows->at(0).body).callback_query_id == "q1");
  CHECK(rows->at(0).kind == core::MessageKind::kCallbackAnswer);
}

TEST_CASE("a sent request stores its platform message id", "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(apply(*s, event_key("e1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  auto rows = s->claim_due(at(0), 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->at(0).kind == core::MessageKind::kRequest);
  CHECK(rows->at(0).conversation_id == std::optional<int64_t>(1));
  CHECK(rows->at(0).due_at == at(0));
  REQUIRE(s->complete(rows->at(0).id, {Delivery::kSent, 555, {}, ""}, at(3)).ok());

  auto snap = peek(*s, {1001, {}, {}, {}});
  REQUIRE(snap.conversation);
  CHECK(snap.conversation->request_message_id == std::optional<int64_t>(555));
  CHECK(query_int(db.path(), "SELECT sent_at FROM outbox") == core::to_millis(at(3)));
  CHECK(query_int(db.path(), "SELECT platform_message_id FROM outbox") == 555);
  CHECK_FALSE(s->next_due());

  SECTION("an unknown row is an error") {
    CHECK_FALSE(s->complete(999, {Delivery::kSent, 1, {}, ""}, at(3)).ok());
  }
}

TEST_CASE("an unreachable chat marks its customer and cancels its pending rows",
          "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  core::Decision d = request_decision(1001);
  d.messages.push_back(make_text(core::MessageKind::kReminder, 1001, "R", at(100), 0));
  REQUIRE(apply(*s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  enqueue(*s, "e2", {make_text(core::MessageKind::kNotice, 2002, "other chat", at(0))});

  auto rows = s->claim_due(at(0), 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  REQUIRE(s->complete(rows->at(0).id, {Delivery::kUnreachable, {}, {}, "403 blocked"}, at(1)).ok());

  CHECK(peek(*s, {1001, {}, {}, {}}).customer->unreachable);
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE kind = 'request'") == "failed");
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE kind = 'reminder'") == "cancelled");
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE chat_id = 2002") == "pending");
}

TEST_CASE("a row cancelled while in flight is recorded as sent if it went out", "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(apply(*s, event_key("e1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  auto rows = s->claim_due(at(0), 10);
  REQUIRE(rows.ok());
  core::Decision refund;
  refund.cancellations = {{1, {}}};
  REQUIRE(apply(*s, event_key("e2"), refund).status == store::ProcessResult::Status::kApplied);

  SECTION("sent") {
    REQUIRE(s->complete(rows->at(0).id, {Delivery::kSent, 7, {}, ""}, at(1)).ok());
    CHECK(query_text(db.path(), "SELECT status FROM outbox") == "sent");
  }
  SECTION("retry leaves it cancelled") {
    REQUIRE(s->complete(rows->at(0).id, {Delivery::kRetry, {}, at(5), "502"}, at(1)).ok());
    CHECK(query_text(db.path(), "SELECT status FROM outbox") == "cancelled");
    CHECK(claim_texts(*s, at(10)).empty());
  }
}

TEST_CASE("a row that cannot be decoded is failed instead of blocking its chat",
          "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "broken", at(0)),
           make_text(core::MessageKind::kNotice, 1, "fine", at(1))});
  {
    SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE outbox SET payload = '{' WHERE id = 1");
  }
  CHECK(claim_texts(*s, at(5)).empty());
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE id = 1") == "failed");
  CHECK(claim_texts(*s, at(5)) == std::vector<std::string>{"fine"});
}
