// SqliteStore::outbox_stats: pending, failed and the oldest due row's age, from indexes.
#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Delivery = store::DeliveryOutcome::Status;

namespace {

int64_t id_of(const std::string& path, const std::string& text) {
  return query_int(path,
                   "SELECT id FROM outbox WHERE json_extract(payload, '$.text') = '" + text + "'");
}

store::OutboxStats stats_at(store::Store& s, core::Time now) {
  auto stats = s.outbox_stats(now);
  REQUIRE(stats.ok());
  return *stats;
}

std::string query_plan(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, "EXPLAIN QUERY PLAN " + sql);
  std::string plan;
  while (s.executeStep()) plan += s.getColumn(3).getString() + "\n";
  return plan;
}

}  // namespace

TEST_CASE("outbox_stats counts pending and failed rows and ages the oldest due one",
          "[store][outbox][metrics]") {
  TempDb db;
  auto s = open_store(db.path());

  const auto empty = stats_at(*s, at(0));
  CHECK(empty.pending == 0);
  CHECK(empty.failed == 0);
  CHECK(empty.oldest_due_age == core::Duration{0});

  core::Decision d;
  d.messages = {make_text(core::MessageKind::kNotice, 1, "A", at(0)),
                make_text(core::MessageKind::kNotice, 2, "B", at(5)),
                make_text(core::MessageKind::kNotice, 3, "C", at(100)),
                make_text(core::MessageKind::kNotice, 3, "C2", at(200))};
  REQUIRE(apply(*s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);

  auto stats = stats_at(*s, at(60));
  CHECK(stats.pending == 4);
  CHECK(stats.failed == 0);
  CHECK(stats.oldest_due_age == std::chrono::seconds(60));  // A, due at 0

  SECTION("nothing due yet ages nothing") {
    CHECK(stats_at(*s, at(-10)).oldest_due_age == core::Duration{0});
  }
  SECTION("a claimed row is still pending, a retried one keeps its age") {
    auto claimed = s->claim_due(at(60), 10);
    REQUIRE(claimed.ok());
    REQUIRE(claimed->size() == 2);
    CHECK(stats_at(*s, at(60)).pending == 4);
    REQUIRE(s->complete(id_of(db.path(), "A"), {Delivery::kRetry, {}, at(90), "502"}, at(60)).ok());
    CHECK(stats_at(*s, at(70)).oldest_due_age == std::chrono::seconds(70));
  }
  SECTION("sent rows leave, failed rows are counted, the next due row sets the age") {
    REQUIRE(s->claim_due(at(60), 10).ok());
    REQUIRE(s->complete(id_of(db.path(), "A"), {Delivery::kFailed, {}, {}, "400"}, at(60)).ok());
    REQUIRE(s->complete(id_of(db.path(), "B"), {Delivery::kSent, 7, {}, ""}, at(60)).ok());
    stats = stats_at(*s, at(60));
    CHECK(stats.pending == 2);
    CHECK(stats.failed == 1);
    CHECK(stats.oldest_due_age == core::Duration{0});  // C is due at 100
    CHECK(stats_at(*s, at(130)).oldest_due_age == std::chrono::seconds(30));
  }
  SECTION("an unreachable chat's row fails and its other rows are cancelled, not pending") {
    REQUIRE(s->claim_due(at(150), 10).ok());
    REQUIRE(
        s->complete(id_of(db.path(), "C"), {Delivery::kUnreachable, {}, {}, "403"}, at(150)).ok());
    stats = stats_at(*s, at(150));
    CHECK(stats.failed == 1);
    CHECK(stats.pending == 2);  // A and B (claimed); C2 was cancelled
  }
}

TEST_CASE("outbox_stats works on an in-memory database", "[store][outbox][metrics]") {
  auto s = open_store(":memory:");
  core::Decision d;
  d.messages = {make_text(core::MessageKind::kNotice, 1, "A", at(0))};
  REQUIRE(apply(*s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  const auto stats = stats_at(*s, at(2));
  CHECK(stats.pending == 1);
  CHECK(stats.oldest_due_age == std::chrono::seconds(2));
}

TEST_CASE("the outbox counts read indexes, not the whole table", "[store][outbox][metrics]") {
  TempDb db;
  open_store(db.path());
  for (const char* sql : {"SELECT COUNT(*) FROM outbox WHERE status = 'pending'",
                          "SELECT COUNT(*) FROM outbox WHERE status = 'failed'",
                          "SELECT MIN(due_at) FROM outbox WHERE status = 'pending'"}) {
    const std::string plan = query_plan(db.path(), sql);
    INFO(sql << "\n" << plan);
    CHECK(plan.find("USING") != std::string::npos);
    CHECK(plan.find("INDEX") != std::string::npos);
  }
}

TEST_CASE("sent_since lists the rows sent since a time, oldest first, from an index",
          "[store][outbox]") {
  TempDb db;
  auto s = open_store(db.path());
  core::Decision d;
  d.messages = {make_text(core::MessageKind::kNotice, 1, "A", at(0)),
                make_text(core::MessageKind::kNotice, 2, "B", at(0)),
                make_text(core::MessageKind::kNotice, 3, "C", at(0))};
  REQUIRE(apply(*s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  auto claimed = s->claim_due(at(0), 10);
  REQUIRE(claimed.ok());
  REQUIRE(claimed->size() == 3);
  store::DeliveryOutcome sent;
  store::DeliveryOutcome retry;
  retry.status = Delivery::kRetry;
  retry.retry_at = at(60);
  REQUIRE(s->complete(id_of(db.path(), "B"), sent, at(12)).ok());
  REQUIRE(s->complete(id_of(db.path(), "A"), sent, at(10)).ok());
  REQUIRE(s->complete(id_of(db.path(), "C"), retry, at(11)).ok());  // not sent

  auto recent = s->sent_since(at(10));
  REQUIRE(recent.ok());
  REQUIRE(recent->size() == 2);
  CHECK((*recent)[0].chat_id == 1);
  CHECK((*recent)[0].sent_at == at(10));
  CHECK((*recent)[1].chat_id == 2);
  CHECK(s->sent_since(at(11))->size() == 1);
  CHECK_THAT(query_plan(db.path(),
                        "SELECT chat_id, sent_at FROM outbox WHERE status = 'sent' "
                        "AND sent_at >= 0 ORDER BY sent_at"),
             Catch::Contains("outbox_sent_at"));
}
