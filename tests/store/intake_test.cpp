// Intake: counts every input by source and by the store's answer.
#include "reviewbot/store/intake.h"

#include <catch2/catch.hpp>

#include "core/engine_fixture.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_store.h"

using namespace reviewbot;
using Source = store::InboundKey::Source;
using Status = store::ProcessResult::Status;

TEST_CASE("the intake counts inputs by source and outcome", "[intake][metrics]") {
  testing::EngineFixture fixture;
  const core::Engine engine(fixture.policy, fixture.settings, fixture.templates);
  testing::FakeStore store;
  testing::FakeClock clock(fixture.now);
  store::Intake intake(engine, store, clock);
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
