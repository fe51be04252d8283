// SqliteStore's outbox where only SQLite shows it: rows whose stored payload is corrupt,
// and what the migrations leave. Behaviour shared by every backend is in contract/.
#include "sqlite_test_util.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

void corrupt_payload(const std::string& path, int64_t id) {
  SQLite::Database raw(path, SQLite::OPEN_READWRITE);
  raw.exec("UPDATE outbox SET payload = '{' WHERE id = " + std::to_string(id));
}

}  // namespace

TEST_CASE("a row that cannot be decoded is failed instead of blocking its chat",
          "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "broken", at(0)),
           make_text(core::MessageKind::kNotice, 1, "fine", at(1))});
  corrupt_payload(db.path(), 1);
  CHECK(claim_texts(*s, at(5)).empty());
  CHECK(query_text(db.path(), "SELECT status FROM outbox WHERE id = 1") == "failed");
  CHECK(claim_texts(*s, at(5)) == std::vector<std::string>{"fine"});
}

TEST_CASE("a marked row that cannot be decoded is failed instead of handed back",
          "[store][outbox][in_doubt]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1",
          {make_text(core::MessageKind::kRequest, 1001, "request", at(0)),
           make_text(core::MessageKind::kNotice, 2002, "notice", at(0))});
  const auto rows = claim(*s, at(0));
  REQUIRE(rows.size() == 2);
  REQUIRE(s->mark_sending(kThisInstance, rows[0].id, at(1)).ok());
  corrupt_payload(db.path(), rows[0].id);
  auto in_flight = s->release_claims(lease_for(kThisInstance, at(2)), at(2));
  REQUIRE(in_flight.ok());
  CHECK(in_flight->empty());
  const std::string where = " FROM outbox WHERE id = " + std::to_string(rows[0].id);
  CHECK(query_text(db.path(), "SELECT status" + where) == "failed");
  CHECK(query_int(db.path(), "SELECT claimed_by IS NULL AND sending_since IS NULL" + where) == 1);
}

TEST_CASE("claims left before claims had owners are settled at the next start",
          "[store][outbox][lease]") {
  TempDb db;
  auto s = open_store(db.path());
  enqueue(*s, "e1", {make_text(core::MessageKind::kNotice, 1, "claimed long ago", at(0))});
  {
    // What migration 006 makes of a row an older binary had claimed.
    SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE);
    raw.exec("UPDATE outbox SET claimed_by = '', lease_until = 0");
  }
  CHECK(claim_texts(*s, at(1)).empty());
  REQUIRE(s->release_claims(lease_for(kThisInstance, at(1)), at(1)).ok());
  CHECK(claim_texts(*s, at(1)) == std::vector<std::string>{"claimed long ago"});
}
