// Intake: counts every input by source and by the store's answer, and lets the rules
// decide what delivery results mean.
#include "reviewbot/store/intake.h"

#include <catch2/catch.hpp>

#include "core/engine_fixture.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_store.h"
#include "reviewbot/store/sqlite_store.h"
#include "store/store_test_util.h"

using namespace reviewbot;
using Source = store::InboundKey::Source;
using Status = store::ProcessResult::Status;

namespace {

// An Intake over the fake store, with the engine fixture's rules (as changed by `tweak`).
struct IntakeOnFake {
  explicit IntakeOnFake(void (*tweak)(testing::EngineFixture&) = nullptr)
      : fixture(tweaked(tweak)) {}
  static testing::EngineFixture tweaked(void (*tweak)(testing::EngineFixture&)) {
    testing::EngineFixture e;
    if (tweak) tweak(e);
    return e;
  }
  testing::EngineFixture fixture;  // first: the members below are built from it
  const core::Engine engine{fixture.policy, fixture.settings, fixture.templates};
  testing::FakeStore store;
  testing::FakeClock clock{fixture.now};
  store::Intake intake{engine, store, clock};
};

}  // namespace

TEST_CASE("the intake counts inputs by source and outcome", "[intake][metrics]") {
  IntakeOnFake f;
  store::Intake& intake = f.intake;
  testing::FakeStore& store = f.store;
  const core::Event sale{testing::sale("evt-1", testing::kChat)};
  const store::InboundKey event_key{Source::kEvent, "evt-1"};
  const store::InboundKey update_key{Source::kTelegramUpdate, "100"};

  CHECK(intake.accept(event_key, sale).status == Status::kApplied);
  CHECK(intake.accept(event_key, sale).status == Status::kDuplicate);
  CHECK(intake.accept(update_key, sale).status == Status::kApplied);
  store.set_unavailable(true);
  CHECK(intake.accept(update_key, sale).status == Status::kUnavailable);

  const store::InputCounters& counts = intake.counters();
  CHECK(counts.get(Source::kEvent, Status::kApplied) == 1);
  CHECK(counts.get(Source::kEvent, Status::kDuplicate) == 1);
  CHECK(counts.get(Source::kEvent, Status::kUnavailable) == 0);
  CHECK(counts.get(Source::kTelegramUpdate, Status::kApplied) == 1);
  CHECK(counts.get(Source::kTelegramUpdate, Status::kDuplicate) == 0);
  CHECK(counts.get(Source::kTelegramUpdate, Status::kUnavailable) == 1);
}

TEST_CASE("the intake reports when the first message an input queued is due", "[intake]") {
  IntakeOnFake f([](testing::EngineFixture& e) { e.policy.request_delay = std::chrono::hours(2); });
  store::Intake& intake = f.intake;
  testing::FakeStore& store = f.store;
  const core::Event sale{testing::sale("evt-1", testing::kChat)};
  const store::InboundKey key{Source::kEvent, "evt-1"};

  const store::ProcessResult applied = intake.accept(key, sale);
  REQUIRE(applied.status == Status::kApplied);
  const auto request = store.outbox_row(1);
  REQUIRE(request);
  CHECK(applied.first_due == request->row.due_at);
  // Nothing queued, nothing to wake the dispatcher for.
  CHECK_FALSE(intake.accept(key, sale).first_due);  // a duplicate
  const core::Event unknown_refund{testing::refund("evt-2", "T-unknown")};
  const store::ProcessResult refund = intake.accept({Source::kEvent, "evt-2"}, unknown_refund);
  CHECK(refund.status == Status::kApplied);
  CHECK_FALSE(refund.first_due);
}

TEST_CASE("delivery results reach the rules through the intake's follow-up", "[intake][delivery]") {
  testing::EngineFixture fixture;
  fixture.policy.reminder_after = std::chrono::hours(24);
  const core::Engine engine(fixture.policy, fixture.settings, fixture.templates);
  testing::FakeClock clock(fixture.now);
  auto opened = store::SqliteStore::open(":memory:", {true, 5000, &clock});
  REQUIRE(opened.ok());
  store::SqliteStore& db = *opened.value();
  store::Intake intake(engine, db, clock);
  REQUIRE(
      intake.accept({Source::kEvent, "evt-1"}, core::Event{testing::sale("evt-1", testing::kChat)})
          .status == Status::kApplied);
  const store::Lease lease{"web.1", fixture.now + std::chrono::seconds(20)};
  auto rows = db.claim_due(lease, fixture.now, 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  const store::OutboxRow request = rows->at(0);
  REQUIRE(request.kind == core::MessageKind::kRequest);
  const core::Lookup chat{testing::kChat, {}, {}, {}};
  const auto state = [&] { return testing::peek(db, chat); };

  SECTION("a sent request keeps its message id and schedules its reminder") {
    const store::DeliveryOutcome sent{store::DeliveryOutcome::Status::kSent, 777, {}, ""};
    const auto follow_up = intake.follow_up(request, sent);
    REQUIRE(follow_up);
    REQUIRE(db.complete("web.1", request.id, sent, fixture.now, &*follow_up).ok());
    CHECK(state().conversation->request_message_id == std::optional<int64_t>(777));
    const auto day_later = fixture.now + std::chrono::hours(24);
    const store::Lease later{"web.1", day_later + std::chrono::seconds(20)};
    const auto early = db.claim_due(later, day_later - std::chrono::milliseconds(1), 10);
    REQUIRE(early.ok());
    CHECK(early->empty());
    auto reminders = db.claim_due(later, day_later, 10);
    REQUIRE(reminders.ok());
    REQUIRE(reminders->size() == 1);
    CHECK(reminders->at(0).kind == core::MessageKind::kReminder);
    CHECK(reminders->at(0).conversation_id == request.conversation_id);
  }
  SECTION("a reminder queued with the request by an earlier version is replaced, not doubled") {
    core::Decision eager;
    eager.messages.push_back(
        testing::make_text(core::MessageKind::kReminder, testing::kChat, "queued early",
                           fixture.now + std::chrono::hours(23), request.conversation_id));
    REQUIRE(testing::apply(db, {Source::kEvent, "eager-reminder"}, eager).status ==
            Status::kApplied);
    const store::DeliveryOutcome sent{store::DeliveryOutcome::Status::kSent, 778, {}, ""};
    const auto follow_up = intake.follow_up(request, sent);
    REQUIRE(follow_up);
    REQUIRE(db.complete("web.1", request.id, sent, fixture.now, &*follow_up).ok());
    const auto two_days = fixture.now + std::chrono::hours(48);
    auto due = db.claim_due({"web.1", two_days + std::chrono::seconds(20)}, two_days, 10);
    REQUIRE(due.ok());
    REQUIRE(due->size() == 1);
    CHECK(due->at(0).kind == core::MessageKind::kReminder);
    CHECK(std::get<core::SendText>(due->at(0).body).text != "queued early");
  }
  SECTION("a 403 makes the customer unreachable, closes the conversation, and no reminder") {
    const store::DeliveryOutcome blocked{
        store::DeliveryOutcome::Status::kUnreachable, {}, {}, "403 blocked"};
    const auto follow_up = intake.follow_up(request, blocked);
    REQUIRE(follow_up);
    REQUIRE(db.complete("web.1", request.id, blocked, fixture.now, &*follow_up).ok());
    const auto snapshot = state();
    CHECK(snapshot.customer->unreachable);
    CHECK(snapshot.conversation->state == core::ConversationState::kCancelled);
    CHECK(db.outbox_stats(fixture.now + std::chrono::hours(48))->pending == 0);
  }
  SECTION("a retry needs no follow-up") {
    const store::DeliveryOutcome retry{
        store::DeliveryOutcome::Status::kRetry, {}, fixture.now, "502"};
    CHECK_FALSE(intake.follow_up(request, retry));
  }
}
