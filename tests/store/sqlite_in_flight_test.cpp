#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Delivery = store::DeliveryOutcome::Status;

namespace {

// A request for chat 1001 and a notice for chat 2002, both claimed.
std::vector<store::OutboxRow> two_claimed(store::Store& s) {
  core::Decision d = request_decision(1001);
  d.messages.push_back(make_text(core::MessageKind::kNotice, 2002, "notice", at(0)));
  REQUIRE(apply(s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  auto rows = s.claim_due(at(0), 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  REQUIRE(rows->at(0).kind == core::MessageKind::kRequest);
  return *rows;
}

}  // namespace

TEST_CASE("a send mark survives a crash and release hands back only the marked rows",
          "[store][outbox][in_doubt]") {
  TempDb db;
  int64_t request_id = 0;
  {
    auto s = open_store(db.path());
    const auto rows = two_claimed(*s);
    request_id = rows[0].id;
    REQUIRE(s->mark_sending(request_id, at(1)).ok());
  }  // the process dies here, both rows claimed
  CHECK(query_int(db.path(), "SELECT sending_since FROM outbox WHERE id = " +
                                 std::to_string(request_id)) == core::to_millis(at(1)));

  auto s = open_store(db.path());
  auto in_flight = s->release_claims();
  REQUIRE(in_flight.ok());
  REQUIRE(in_flight->size() == 1);
  CHECK(in_flight->at(0).id == request_id);
  CHECK(in_flight->at(0).kind == core::MessageKind::kRequest);
  CHECK(std::get<core::SendText>(in_flight->at(0).body).chat_id == 1001);
  CHECK(in_flight->at(0).attempts == 0);

  // The unmarked notice goes out again; the marked request stays claimed for its verdict.
  auto again = s->claim_due(at(2), 10);
  REQUIRE(again.ok());
  REQUIRE(again->size() == 1);
  CHECK(again->at(0).kind == core::MessageKind::kNotice);

  REQUIRE(s->complete(request_id, {Delivery::kFailed, {}, {}, "not resent"}, at(2)).ok());
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE id = " +
                                  std::to_string(request_id)) == "failed");
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox WHERE sending_since IS NOT NULL") == 0);
  CHECK(s->release_claims()->empty());
}

TEST_CASE("complete clears the send mark whatever the outcome", "[store][outbox][in_doubt]") {
  for (const auto status :
       {Delivery::kSent, Delivery::kRetry, Delivery::kFailed, Delivery::kDeferred}) {
    TempDb db;
    auto s = open_store(db.path());
    const auto rows = two_claimed(*s);
    REQUIRE(s->mark_sending(rows[0].id, at(1)).ok());
    REQUIRE(s->complete(rows[0].id, {status, 9, at(5), "x"}, at(2)).ok());
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox WHERE sending_since IS NOT NULL") == 0);
    REQUIRE(s->complete(rows[1].id, {Delivery::kSent, 10, {}, ""}, at(2)).ok());
    CHECK(s->release_claims()->empty());
  }
}

TEST_CASE("only a claimed row can be marked as sending", "[store][outbox][in_doubt]") {
  TempDb db;
  auto s = open_store(db.path());
  REQUIRE(apply(*s, event_key("e1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  CHECK_FALSE(s->mark_sending(1, at(0)).ok());
  CHECK_FALSE(s->mark_sending(999, at(0)).ok());
  REQUIRE(s->claim_due(at(0), 10)->size() == 1);
  CHECK(s->mark_sending(1, at(0)).ok());
}

TEST_CASE("a marked row that cannot be decoded is failed instead of handed back",
          "[store][outbox][in_doubt]") {
  TempDb db;
  auto s = open_store(db.path());
  const auto rows = two_claimed(*s);
  REQUIRE(s->mark_sending(rows[0].id, at(1)).ok());
  {
    SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE outbox SET payload = '{' WHERE id = " + std::to_string(rows[0].id));
  }
  auto in_flight = s->release_claims();
  REQUIRE(in_flight.ok());
  CHECK(in_flight->empty());
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE id = " +
                                  std::to_string(rows[0].id)) == "failed");
  CHECK(query_int(db.path(),
                  "SELECT claimed FROM outbox WHERE id = " + std::to_string(rows[0].id)) == 0);
}
