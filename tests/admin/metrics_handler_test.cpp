// collect_metrics against a real Dispatcher (not started) over fakes.
#include "reviewbot/admin/metrics_handler.h"

#include <catch2/catch.hpp>

#include "fakes/fake_clock.h"
#include "fakes/fake_platform_client.h"
#include "fakes/fake_store.h"

using namespace reviewbot;
using Kind = platform::SendResult::Kind;
using Source = store::InboundKey::Source;
using Status = store::ProcessResult::Status;

TEST_CASE("collect_metrics reads the dispatcher, the input counters and the outbox", "[metrics]") {
  testing::FakeStore store;
  testing::FakeClock clock;
  delivery::Dispatcher dispatcher(store, clock, std::make_unique<testing::FakePlatformClient>(), {},
                                  [] { return 0.5; });
  store.add_outbox(core::SendText{5, "hi", false, {}, std::nullopt}, clock.now());
  REQUIRE(dispatcher.run_once() == 1);  // one kOk call
  store.add_outbox(core::SendText{6, "later", false, {}, std::nullopt},
                   clock.now() - std::chrono::seconds(3));

  store::InputCounters inputs;
  inputs.count(Source::kEvent, Status::kApplied);
  inputs.count(Source::kEvent, Status::kDuplicate);
  inputs.count(Source::kEvent, Status::kDuplicate);
  inputs.count(Source::kTelegramUpdate, Status::kUnavailable);

  const core::Time started = core::from_millis(1'700'000'000'250);
  const auto snapshot =
      admin::collect_metrics(admin::MetricsSources{dispatcher, inputs, store, clock, started});

  CHECK(snapshot.platform_calls[static_cast<std::size_t>(Kind::kOk)] == 1);
  CHECK(snapshot.platform_state == delivery::CircuitBreaker::State::kClosed);
  REQUIRE(snapshot.outbox);
  CHECK(snapshot.outbox->pending == 1);
  CHECK(snapshot.outbox->oldest_due_age == std::chrono::seconds(3));
  CHECK(snapshot.events.applied == 1);
  CHECK(snapshot.events.duplicate == 2);
  CHECK(snapshot.events.unavailable == 0);
  CHECK(snapshot.telegram_updates.unavailable == 1);
  CHECK(snapshot.telegram_updates.applied == 0);
  CHECK(snapshot.start_time_seconds == Approx(1'700'000'000.25));
  CHECK_FALSE(snapshot.version.empty());
  CHECK(snapshot.http_requests.empty());  // the server adds its own

  SECTION("a store failure leaves the outbox out but still answers") {
    store.set_unavailable(true);
    const auto degraded =
        admin::collect_metrics(admin::MetricsSources{dispatcher, inputs, store, clock, started});
    CHECK_FALSE(degraded.outbox);
    CHECK(degraded.events.duplicate == 2);
  }
}
