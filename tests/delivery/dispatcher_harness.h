// A Dispatcher wired to a FakeStore, a FakeClock and a FakePlatformClient, for the
// dispatcher's unit tests, with builders for platform answers and outbox bodies.
// Single-threaded use, except what the fakes allow.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fake_platform_client.h"
#include "fakes/fake_store.h"
#include "reviewbot/delivery/dispatcher.h"

namespace reviewbot::testing {

inline platform::SendResult answer(platform::SendResult::Kind kind, int http_status = 400,
                                   std::string description = "") {
  platform::SendResult r;
  r.kind = kind;
  r.http_status = http_status;
  r.description = std::move(description);
  return r;
}

// A review request with HTML and a keyboard.
inline core::SendText request(core::ChatId chat) {
  return core::SendText{chat,
                        "How was <b>it</b>, Ann &amp; Bob?",
                        true,
                        {{{"1", "rate:1", ""}, {"5", "rate:5", ""}}},
                        std::nullopt};
}

struct DispatcherHarness {
  explicit DispatcherHarness(double jitter = 0.5) {
    auto owned = std::make_unique<FakePlatformClient>();
    client = owned.get();
    dispatcher = std::make_unique<delivery::Dispatcher>(store, clock, std::move(owned),
                                                        delivery::DispatcherSettings{},
                                                        [jitter] { return jitter; });
  }
  store::DeliveryOutcome last_outcome(int64_t id) const {
    auto row = store.outbox_row(id);
    REQUIRE(row);
    REQUIRE_FALSE(row->outcomes.empty());
    return row->outcomes.back();
  }
  // A lease as the dispatcher's own instance (DispatcherSettings' default id), or as
  // another instance, lasting the default claim lease from now.
  store::Lease lease(std::string owner = delivery::DispatcherSettings{}.instance_id) const {
    return {std::move(owner), clock.now() + delivery::DispatcherSettings{}.claim_lease};
  }
  std::uint64_t count(const delivery::Counter& counter) const {
    return delivery::DeliveryCounters::load(counter);
  }

  FakeStore store;
  FakeClock clock;
  FakePlatformClient* client = nullptr;  // owned by the dispatcher
  std::unique_ptr<delivery::Dispatcher> dispatcher;
};

}  // namespace reviewbot::testing
