#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "sqlite_test_util.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

TEST_CASE("a reopened database file keeps committed state", "[store][durability]") {
  TempDb db;
  {
    auto s = open_store(db.path());
    REQUIRE(apply(*s, event_key("evt-1"), request_decision(1001)).status ==
            store::ProcessResult::Status::kApplied);
    auto rows = s->claim_due(lease_for(kThisInstance, at(0)), at(0), 10);
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 1);  // claimed when the process "crashes"
  }
  CHECK(query_text(db.path(), "PRAGMA journal_mode") == "wal");

  auto s = open_store(db.path());
  SECTION("the dedup key survives") {
    CHECK(apply(*s, event_key("evt-1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kDuplicate);
  }
  SECTION("state and outbox survive; released claims go out again") {
    CHECK(peek(*s, {1001, {}, {}, {}}).customer);
    CHECK(s->claim_due(lease_for(kThisInstance, at(0)), at(0), 10)->empty());
    REQUIRE(s->release_claims(lease_for(kThisInstance, at(0)), at(0)).ok());
    CHECK(s->claim_due(lease_for(kThisInstance, at(0)), at(0), 10)->size() == 1);
  }
}

TEST_CASE("an in-memory store works on one connection", "[store][durability]") {
  auto opened = store::SqliteStore::open(":memory:");
  REQUIRE(opened.ok());
  auto& s = *opened.value();
  CHECK(s.ping());
  REQUIRE(apply(s, event_key("evt-1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  CHECK(s.claim_due(lease_for(kThisInstance, at(0)), at(0), 10)->size() == 1);
  CHECK(s.stats()->requests_sent == 0);
  CHECK(s.list_reviews({})->reviews.empty());
}

TEST_CASE("opening an unusable path is an error, not an exception", "[store][durability]") {
  auto opened = store::SqliteStore::open("/nonexistent-dir/reviewbot.db");
  REQUIRE_FALSE(opened.ok());
  CHECK_THAT(opened.error().message, Catch::Contains("/nonexistent-dir/reviewbot.db"));
}

TEST_CASE("concurrent writers and admin readers each see whole transactions",
          "[store][durability]") {
  TempDb db;
  auto s = open_store(db.path());
  constexpr int kThreads = 4, kPerThread = 25;
  std::atomic<bool> torn{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const core::ChatId chat = 1000 * (t + 1) + i;
        core::Decision d = request_decision(chat);
        d.conversation->rating = 4;
        d.conversation->answered_at = at(1);
        if (apply(*s, event_key(std::to_string(chat)), d).status !=
            store::ProcessResult::Status::kApplied) {
          torn = true;
        }
      }
    });
  }
  std::thread reader([&] {
    for (int i = 0; i < 50; ++i) {
      auto stats = s->stats();
      if (!stats.ok() || stats->distribution[3] != stats->responses) torn = true;
    }
  });
  for (auto& w : writers) w.join();
  reader.join();
  CHECK_FALSE(torn);
  CHECK(s->stats()->responses == kThreads * kPerThread);
  store::ReviewFilter all;
  all.limit = 500;
  CHECK(s->list_reviews(all)->reviews.size() == kThreads * kPerThread);
}

TEST_CASE("ping says whether the database takes writes, not only whether it answers",
          "[store][durability]") {
  TempDb db;
  auto opened = store::SqliteStore::open(db.path(), store::SqliteOptions{true, 100, nullptr});
  REQUIRE(opened.ok());
  auto& s = *opened.value();
  CHECK(s.ping());
  {
    // Another process holds the write lock past the busy timeout: reads still work, writes
    // would not, so the store is not ready.
    SQLite::Database other(db.path(), SQLite::OPEN_READWRITE);
    other.exec("BEGIN EXCLUSIVE");
    CHECK_FALSE(s.ping());
    other.exec("ROLLBACK");
  }
  CHECK(s.ping());
}

TEST_CASE("an unsynced batch is made durable by syncing the database's write-ahead log",
          "[store][durability][wal_sync]") {
  TempDb db;
  auto s = open_store(db.path());
  const auto commit_unsynced = [&](const std::string& event_id, core::ChatId chat) {
    const store::InboundKey key = event_key(event_id);
    core::Lookup lookup;
    lookup.chat_id = chat;
    const store::DecideFn decide = [chat](const core::Snapshot&) { return request_decision(chat); };
    const store::BatchInput input{&key, &lookup, &decide};
    return s->process_batch_unsynced({&input, 1}).front().status;
  };
  REQUIRE(commit_unsynced("evt-1", 1001) == store::ProcessResult::Status::kApplied);
  REQUIRE(s->sync().ok());
  CHECK(s->ping());

  // Put something fdatasync refuses (a FIFO) where the log was; SQLite keeps writing to the
  // file it has open. The next commit's sync goes to the path, fails, and stays failed.
  const std::string wal = db.path() + "-wal";
  REQUIRE(std::rename(wal.c_str(), (wal + ".moved").c_str()) == 0);
  REQUIRE(::mkfifo(wal.c_str(), 0600) == 0);
  REQUIRE(commit_unsynced("evt-2", 1002) == store::ProcessResult::Status::kApplied);
  const auto synced = s->sync();
  REQUIRE_FALSE(synced.ok());
  CHECK_THAT(synced.error().message, Catch::Contains(wal));
  CHECK_FALSE(s->sync().ok());
  CHECK_FALSE(s->ping());  // /readyz: not ready
}
