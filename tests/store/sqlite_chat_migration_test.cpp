#include "sqlite_test_util.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

// (chat_id column, chat_id in the payload) of the row whose text is `text`.
std::pair<int64_t, int64_t> chats_of(const std::string& path, const std::string& text) {
  const std::string where = " FROM outbox WHERE json_extract(payload, '$.text') = '" + text + "'";
  return {query_int(path, "SELECT chat_id" + where),
          query_int(path, "SELECT json_extract(payload, '$.chat_id')" + where)};
}

}  // namespace

TEST_CASE("migrating a chat moves its customer, conversations and pending rows with payloads",
          "[store][migration]") {
  TempDb db;
  FakeClock clock(at(0));
  auto s = open_store(db.path(), &clock);
  core::Decision d = request_decision(-100);
  d.messages.push_back(make_text(core::MessageKind::kReminder, -100, "R", at(100), 0));
  REQUIRE(apply(*s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  enqueue(*s, "e2",
          {make_text(core::MessageKind::kOwnerAlert, -100, "sent already", at(0)),
           make_text(core::MessageKind::kNotice, 7, "other chat", at(0))});
  auto rows = s->claim_due(lease_for(kThisInstance, at(0)), at(0), 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);  // the request (head of chat -100) and "other chat"
  REQUIRE(s->complete(kThisInstance, rows->at(0).id, {Delivery::kSent, 1, {}, ""}, at(0)).ok());
  // "sent already" is sent before the move: it must keep its chat.
  auto next = s->claim_due(lease_for(kThisInstance, at(0)), at(0), 10);
  REQUIRE(next.ok());
  REQUIRE(next->size() == 1);
  REQUIRE(s->complete(kThisInstance, next->at(0).id, {Delivery::kSent, 2, {}, ""}, at(0)).ok());

  REQUIRE(s->migrate_chat(-100, -100999, at(5)).ok());

  CHECK(query_int(db.path(), "SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = -100") ==
        -100999);
  CHECK(query_int(db.path(), "SELECT migrated_at FROM chat_migrations") == core::to_millis(at(5)));
  CHECK(query_int(db.path(), "SELECT chat_id FROM customers") == -100999);
  CHECK(query_int(db.path(), "SELECT chat_id FROM conversations") == -100999);
  CHECK(chats_of(db.path(), "R") == std::pair<int64_t, int64_t>{-100999, -100999});
  CHECK(chats_of(db.path(), "sent already") == std::pair<int64_t, int64_t>{-100, -100});
  CHECK(chats_of(db.path(), "other chat") == std::pair<int64_t, int64_t>{7, 7});
  auto due = s->claim_due(lease_for(kThisInstance, at(100)), at(100), 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 1);
  CHECK(core::chat_of(due->at(0).body) == -100999);
  CHECK(due->at(0).conversation_id == std::optional<int64_t>(1));
}

TEST_CASE("rows written later for a migrated chat go to the new chat", "[store][migration]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(s->migrate_chat(-100, -100999, at(0)).ok());
  enqueue(*s, "alert", {make_text(core::MessageKind::kOwnerAlert, -100, "Bad review", at(1))});
  CHECK(chats_of(db.path(), "Bad review") == std::pair<int64_t, int64_t>{-100999, -100999});

  SECTION("callback answers are untouched") {
    core::Decision d;
    d.messages = {{core::MessageKind::kCallbackAnswer, core::AnswerCallback{"q1", ""}, at(0), {}}};
    REQUIRE(apply(*s, event_key("cb"), d).status == store::ProcessResult::Status::kApplied);
    CHECK(query_int(db.path(), "SELECT chat_id FROM outbox WHERE kind = 'callback_answer'") == 0);
  }
}

TEST_CASE("a chain of migrations resolves to the last chat", "[store][migration]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1", {make_text(core::MessageKind::kNotice, -1, "from a", at(0))});
  REQUIRE(s->migrate_chat(-1, -2, at(1)).ok());
  REQUIRE(s->migrate_chat(-2, -3, at(2)).ok());

  CHECK(query_int(db.path(), "SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = -1") ==
        -3);
  CHECK(query_int(db.path(), "SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = -2") ==
        -3);
  CHECK(chats_of(db.path(), "from a") == std::pair<int64_t, int64_t>{-3, -3});
  enqueue(*s, "e2", {make_text(core::MessageKind::kNotice, -1, "later to a", at(3))});
  CHECK(chats_of(db.path(), "later to a") == std::pair<int64_t, int64_t>{-3, -3});

  SECTION("a move to a chat that already moved on lands on its final chat") {
    REQUIRE(s->migrate_chat(-4, -1, at(4)).ok());
    CHECK(query_int(db.path(), "SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = -4") ==
          -3);
  }
  SECTION("a move back to an old chat is refused and changes nothing") {
    CHECK_FALSE(s->migrate_chat(-3, -1, at(4)).ok());
    CHECK_FALSE(s->migrate_chat(-5, -5, at(4)).ok());
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM chat_migrations") == 2);
  }
}

TEST_CASE("migrated rows merge into the new chat's queue in due order", "[store][migration]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kOwnerAlert, -100, "old 1", at(0)),
           make_text(core::MessageKind::kOwnerAlert, -100, "old 2", at(2)),
           make_text(core::MessageKind::kOwnerAlert, -100999, "new 1", at(1)),
           make_text(core::MessageKind::kOwnerAlert, -100999, "new 2", at(3))});
  // "old 1" is in flight when the platform reports the move.
  REQUIRE(claim_texts(*s, at(10)) == std::vector<std::string>{"old 1", "new 1"});
  const int64_t old1 =
      query_int(db.path(), "SELECT id FROM outbox WHERE json_extract(payload, '$.text') = 'old 1'");
  const int64_t new1 =
      query_int(db.path(), "SELECT id FROM outbox WHERE json_extract(payload, '$.text') = 'new 1'");
  REQUIRE(s->complete(kThisInstance, new1, {Delivery::kSent, 5, {}, ""}, at(10)).ok());
  REQUIRE(s->migrate_chat(-100, -100999, at(10)).ok());

  // The claimed row moved too and still holds the chat until it is completed.
  CHECK(chats_of(db.path(), "old 1") == std::pair<int64_t, int64_t>{-100999, -100999});
  CHECK(claim_texts(*s, at(10)).empty());
  REQUIRE(
      s->complete(kThisInstance, old1, {Delivery::kRetry, {}, at(10), "migrated"}, at(10)).ok());
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    auto rows = s->claim_due(lease_for(kThisInstance, at(10)), at(10), 10);
    REQUIRE(rows.ok());
    if (rows->empty()) break;
    REQUIRE(rows->size() == 1);
    order.push_back(std::get<core::SendText>(rows->at(0).body).text);
    REQUIRE(
        s->complete(kThisInstance, rows->at(0).id, {Delivery::kSent, 6 + i, {}, ""}, at(10)).ok());
  }
  CHECK(order == std::vector<std::string>{"old 1", "old 2", "new 2"});
}

TEST_CASE("a customer already on the new chat keeps it", "[store][migration]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(apply(*s, event_key("e1"), request_decision(-100)).status ==
          store::ProcessResult::Status::kApplied);
  REQUIRE(apply(*s, event_key("e2"), request_decision(-100999)).status ==
          store::ProcessResult::Status::kApplied);
  REQUIRE(s->migrate_chat(-100, -100999, at(5)).ok());
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM customers WHERE chat_id = -100999") == 1);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM customers WHERE chat_id = -100") == 1);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox WHERE chat_id = -100999") == 2);
}
