// The intake decides an input before its transaction, on state read outside it, and keeps
// that decision only when the transaction reads the same state.
#include <catch2/catch.hpp>

#include "core/engine_fixture.h"
#include "fakes/fake_clock.h"
#include "reviewbot/core/messages.h"
#include "reviewbot/store/intake.h"
#include "store/sqlite_test_util.h"

using namespace reviewbot;
using Source = store::InboundKey::Source;
using Status = store::ProcessResult::Status;

namespace {

// A store whose transactions are a real SqliteStore's, keeping the last decision they
// applied, and whose early reads answer what the test says (a stale state, say) or, with
// read_through, what the real store reads.
class ScriptedReads final : public store::InputStore {
 public:
  explicit ScriptedReads(store::InputStore& inner) : inner_(inner) {}
  store::ProcessResult process(const store::InboundKey& key, const core::Lookup& lookup,
                               const store::DecideFn& decide) override {
    return inner_.process(key, lookup, [&](const core::Snapshot& snapshot) {
      applied = decide(snapshot);
      return applied;
    });
  }
  std::optional<core::Snapshot> try_read_snapshot(const core::Lookup& lookup) override {
    return read_through ? inner_.try_read_snapshot(lookup) : read;
  }

  std::optional<core::Snapshot> read;
  bool read_through = false;
  core::Decision applied;

 private:
  store::InputStore& inner_;
};

struct Fixture {
  testing::EngineFixture fixture;
  const core::Engine engine{fixture.policy, fixture.settings, fixture.templates};
  testing::FakeClock clock{fixture.now};
  testing::TempDb db;
  std::unique_ptr<store::SqliteStore> sqlite = testing::open_store(db.path(), &clock);
};

}  // namespace

TEST_CASE("a decision made before the transaction is kept when the state did not change",
          "[intake][early]") {
  Fixture f;
  store::Intake intake(f.engine, *f.sqlite, f.clock);
  const store::ProcessResult first =
      intake.accept({Source::kEvent, "evt-1"}, core::Event{testing::sale("evt-1", testing::kChat)});
  CHECK(first.status == Status::kApplied);
  CHECK(first.outcome.status == core::Outcome::Status::kScheduled);
  // The second sale's state (the customer, just asked) was committed by the first.
  const store::ProcessResult second =
      intake.accept({Source::kEvent, "evt-2"}, core::Event{testing::sale("evt-2", testing::kChat)});
  CHECK(second.outcome.status == core::Outcome::Status::kSkipped);
  CHECK(second.outcome.reason == "cooldown");
  CHECK(intake.counters().early_decisions(true) == 2);
  CHECK(intake.counters().early_decisions(false) == 0);
  CHECK(testing::query_int(f.db.path(), "SELECT count(*) FROM outbox") == 1);
}

TEST_CASE("a decision made on state that changed before the transaction is made again",
          "[intake][early]") {
  Fixture f;
  ScriptedReads reads(*f.sqlite);
  store::Intake intake(f.engine, reads, f.clock);
  reads.read = core::Snapshot{};  // nobody known: the customer is new
  REQUIRE(
      intake.accept({Source::kEvent, "evt-1"}, core::Event{testing::sale("evt-1", testing::kChat)})
          .outcome.status == core::Outcome::Status::kScheduled);
  CHECK(intake.counters().early_decisions(true) == 1);

  // The early read still says nobody is known (read before evt-1 committed): deciding on
  // it would ask the customer a second time. The transaction sees they were just asked.
  const store::ProcessResult second =
      intake.accept({Source::kEvent, "evt-2"}, core::Event{testing::sale("evt-2", testing::kChat)});
  CHECK(second.status == Status::kApplied);
  CHECK(second.outcome.status == core::Outcome::Status::kSkipped);
  CHECK(second.outcome.reason == "cooldown");
  CHECK(intake.counters().early_decisions(false) == 1);
  CHECK(testing::query_int(f.db.path(), "SELECT count(*) FROM outbox") == 1);
  CHECK(testing::query_int(f.db.path(), "SELECT count(*) FROM conversations") == 1);
}

TEST_CASE("without an early read the transaction decides, as before", "[intake][early]") {
  Fixture f;
  ScriptedReads reads(*f.sqlite);  // reads nothing
  store::Intake intake(f.engine, reads, f.clock);
  CHECK(
      intake.accept({Source::kEvent, "evt-1"}, core::Event{testing::sale("evt-1", testing::kChat)})
          .outcome.status == core::Outcome::Status::kScheduled);
  CHECK(intake.counters().early_decisions(true) == 0);
  CHECK(intake.counters().early_decisions(false) == 0);
}

TEST_CASE("SQLite reads a snapshot early only on a file database, as last committed",
          "[store][early]") {
  Fixture f;
  auto in_memory = testing::open_store(":memory:", &f.clock);
  core::Lookup lookup;
  lookup.chat_id = testing::kChat;
  CHECK_FALSE(in_memory->try_read_snapshot(lookup));

  const auto before = f.sqlite->try_read_snapshot(lookup);
  REQUIRE(before);
  CHECK_FALSE(before->customer);
  REQUIRE(testing::apply(*f.sqlite, testing::event_key("e1"),
                         testing::request_decision(testing::kChat), lookup)
              .status == Status::kApplied);
  const auto after = f.sqlite->try_read_snapshot(lookup);
  REQUIRE(after);
  REQUIRE(after->customer);
  CHECK(after->customer->chat_id == testing::kChat);
  REQUIRE(after->conversation);
  CHECK(*after == testing::peek(*f.sqlite, lookup));  // what the transaction reads
}

TEST_CASE("a decision made early brings its payloads written, and the outbox stores them",
          "[intake][early]") {
  Fixture f;
  ScriptedReads keeps(*f.sqlite);
  keeps.read_through = true;
  store::Intake intake(f.engine, keeps, f.clock);
  REQUIRE(
      intake.accept({Source::kEvent, "evt-1"}, core::Event{testing::sale("evt-1", testing::kChat)})
          .status == Status::kApplied);
  REQUIRE(intake.counters().early_decisions(true) == 1);
  REQUIRE(keeps.applied.messages.size() == 1);
  const core::OutgoingMessage& request = keeps.applied.messages[0];
  CHECK(request.payload == core::to_json(request.body));
  CHECK(testing::query_text(f.db.path(), "SELECT payload FROM outbox") == request.payload);
}
