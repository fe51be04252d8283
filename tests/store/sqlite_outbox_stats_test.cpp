// SqliteStore::outbox_stats and sent_since read indexes; the counts themselves are in
// contract/outbox_contract_test.cpp.
#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

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

TEST_CASE("sent_since reads an index on sent_at", "[store][outbox]") {
  TempDb db;
  open_store(db.path());
  CHECK_THAT(query_plan(db.path(),
                        "SELECT chat_id, sent_at FROM outbox WHERE status = 'sent' "
                        "AND sent_at >= 0 ORDER BY sent_at"),
             Catch::Contains("outbox_sent_at"));
}
