// The Dispatcher under rate limits and the circuit breaker, with a fake clock.
#include <catch2/catch.hpp>

#include "fakes/fake_clock.h"
#include "fakes/fake_platform_client.h"
#include "fakes/fake_store.h"
#include "reviewbot/delivery/dispatcher.h"

using namespace reviewbot;
using Kind = platform::SendResult::Kind;
using Status = store::DeliveryOutcome::Status;
using State = delivery::CircuitBreaker::State;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

core::SendText text(core::ChatId chat, std::string body = "hello") {
  return core::SendText{chat, std::move(body), false, {}, std::nullopt};
}

platform::SendResult answer(Kind kind, int http_status) {
  platform::SendResult r;
  r.kind = kind;
  r.http_status = http_status;
  return r;
}

struct Harness {
  explicit Harness(delivery::DispatcherSettings settings = {}) {
    auto owned = std::make_unique<testing::FakePlatformClient>();
    client = owned.get();
    dispatcher = std::make_unique<delivery::Dispatcher>(store, clock, std::move(owned), settings,
                                                        [] { return 0.5; });
  }
  std::vector<store::DeliveryOutcome> outcomes(int64_t id) const {
    auto row = store.outbox_row(id);
    REQUIRE(row);
    return row->outcomes;
  }
  Status last_status(int64_t id) const {
    const auto all = outcomes(id);
    REQUIRE_FALSE(all.empty());
    return all.back().status;
  }

  testing::FakeStore store;
  testing::FakeClock clock;
  testing::FakePlatformClient* client = nullptr;  // owned by the dispatcher
  std::unique_ptr<delivery::Dispatcher> dispatcher;
};

}  // namespace

TEST_CASE("a chat with many rows does not hold up other chats", "[dispatcher][rate]") {
  Harness h;
  const core::Time start = h.clock.now();
  const auto first = h.store.add_outbox(text(1, "1a"), start);
  const auto second = h.store.add_outbox(text(1, "1b"), start);
  const auto third = h.store.add_outbox(text(1, "1c"), start);
  h.store.add_outbox(text(2), start);
  REQUIRE(h.dispatcher->run_once() == 2);
  CHECK(h.last_status(first) == Status::kSent);

  // Chat 1's next row is claimed first but must wait a second; the others go now.
  const auto other_a = h.store.add_outbox(text(3), start);
  const auto other_b = h.store.add_outbox(text(4), start);
  CHECK(h.dispatcher->run_once() == 2);
  CHECK(h.last_status(other_a) == Status::kSent);
  CHECK(h.last_status(other_b) == Status::kSent);
  REQUIRE(h.outcomes(second).size() == 1);
  CHECK(h.outcomes(second)[0].status == Status::kDeferred);
  // A second and the limiter's millisecond guard.
  CHECK(h.outcomes(second)[0].retry_at == start + milliseconds(1001));
  CHECK(h.outcomes(third).empty());

  h.clock.advance(milliseconds(1000));
  CHECK(h.dispatcher->run_once() == 0);
  CHECK(h.store.outbox_row(second)->outcomes.size() == 1);  // not due: not claimed again
  h.clock.advance(milliseconds(1));
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.last_status(second) == Status::kSent);
  h.clock.advance(milliseconds(1001));
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.last_status(third) == Status::kSent);
}

TEST_CASE("deferred rows do not burn attempts", "[dispatcher][rate]") {
  Harness h;
  const core::Time start = h.clock.now();
  h.store.add_outbox(text(1), start);
  // One attempt left: a deferral counted as an attempt would make it give up.
  const auto last_try = h.store.add_outbox(text(1), start, core::MessageKind::kNotice, 9);
  REQUIRE(h.dispatcher->run_once() == 1);
  CHECK(h.dispatcher->run_once() == 0);
  REQUIRE(h.outcomes(last_try).size() == 1);
  CHECK(h.outcomes(last_try)[0].status == Status::kDeferred);
  CHECK(h.store.outbox_row(last_try)->row.attempts == 9);

  h.client->script({answer(Kind::kTransient, 502)});
  h.clock.advance(milliseconds(1001));
  CHECK(h.dispatcher->run_once() == 1);
  const auto outcome = h.outcomes(last_try).back();
  CHECK(outcome.status == Status::kFailed);
  CHECK(outcome.reason.find("gave up after 10 attempts") != std::string::npos);
}

TEST_CASE("callback answers are not held by the per-chat rule", "[dispatcher][rate]") {
  Harness h;
  const auto a =
      h.store.add_outbox(core::AnswerCallback{"q1", ""}, h.clock.now(), core::MessageKind::kNotice);
  const auto b =
      h.store.add_outbox(core::AnswerCallback{"q2", ""}, h.clock.now(), core::MessageKind::kNotice);
  CHECK(h.dispatcher->run_once() == 2);
  CHECK(h.last_status(a) == Status::kSent);
  CHECK(h.last_status(b) == Status::kSent);
}

TEST_CASE("the dispatcher sends 30 at once, then nothing more within that second",
          "[dispatcher][rate]") {
  delivery::DispatcherSettings settings;
  settings.batch_size = 50;
  Harness h(settings);
  for (core::ChatId chat = 1; chat <= 40; ++chat) h.store.add_outbox(text(chat), h.clock.now());
  CHECK(h.dispatcher->run_once() == 30);
  const int claims = h.store.claim_count();
  CHECK(h.dispatcher->run_once() == 0);
  CHECK(h.store.claim_count() == claims);  // window full: nothing claimed, nothing deferred
  h.clock.advance(milliseconds(1000));
  CHECK(h.dispatcher->run_once() == 0);
  h.clock.advance(milliseconds(1));
  CHECK(h.dispatcher->run_once() == 10);
  CHECK(h.client->send_count() == 40);
}

TEST_CASE("a 429 pauses every chat until retry_after has passed", "[dispatcher][rate]") {
  Harness h;
  auto throttled = answer(Kind::kRetryAfter, 429);
  throttled.retry_after = seconds(5);
  h.client->script({throttled});
  const core::Time start = h.clock.now();
  const auto a = h.store.add_outbox(text(1), start);
  const auto b = h.store.add_outbox(text(2), start);
  const auto c = h.store.add_outbox(text(3), start);
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.last_status(a) == Status::kRetry);
  CHECK(h.outcomes(b).back().status == Status::kDeferred);
  CHECK(h.outcomes(b).back().retry_at == start + seconds(5));
  CHECK(h.outcomes(c).back().status == Status::kDeferred);

  const int claims = h.store.claim_count();
  h.clock.advance(milliseconds(4999));
  CHECK(h.dispatcher->run_once() == 0);
  CHECK(h.store.claim_count() == claims);
  h.clock.advance(milliseconds(1));
  CHECK(h.dispatcher->run_once() == 3);
  CHECK(h.last_status(a) == Status::kSent);
  CHECK(h.last_status(b) == Status::kSent);
  CHECK(h.last_status(c) == Status::kSent);
}

TEST_CASE("an open circuit claims nothing, then a probe decides", "[dispatcher][breaker]") {
  Harness h;
  h.client->script({answer(Kind::kTransient, 502), answer(Kind::kTransient, 503),
                    answer(Kind::kTransient, 500), answer(Kind::kUnknown, 0),
                    answer(Kind::kTransient, 502)});
  const core::Time start = h.clock.now();
  // Notices: a timed-out one is retried (a request would not be; see the in-doubt policy).
  for (core::ChatId chat = 1; chat <= 5; ++chat) {
    h.store.add_outbox(text(chat), start, core::MessageKind::kNotice);
  }
  const auto waiting = h.store.add_outbox(text(6), start);
  CHECK(h.dispatcher->platform_state() == State::kClosed);
  CHECK(h.dispatcher->run_once() == 5);
  CHECK(h.dispatcher->platform_state() == State::kOpen);
  CHECK(h.outcomes(waiting).back().status == Status::kDeferred);
  CHECK(h.outcomes(waiting).back().retry_at == start + seconds(30));

  const int claims = h.store.claim_count();
  h.clock.advance(seconds(29));
  CHECK(h.dispatcher->run_once() == 0);
  CHECK(h.store.claim_count() == claims);
  CHECK(h.client->send_count() == 5);

  h.clock.advance(seconds(1));
  CHECK(h.dispatcher->platform_state() == State::kHalfOpen);
  SECTION("a successful probe closes it and the rest follow") {
    CHECK(h.dispatcher->run_once() == 1);  // the probe
    CHECK(h.dispatcher->platform_state() == State::kClosed);
    CHECK(h.dispatcher->run_once() == 5);
    CHECK(h.client->send_count() == 11);
  }
  SECTION("a failed probe re-opens it for twice as long") {
    h.client->script({answer(Kind::kTransient, 502)});
    CHECK(h.dispatcher->run_once() == 1);
    CHECK(h.dispatcher->platform_state() == State::kOpen);
    h.clock.advance(seconds(59));
    CHECK(h.dispatcher->run_once() == 0);
    h.clock.advance(seconds(1));
    CHECK(h.dispatcher->platform_state() == State::kHalfOpen);
  }
}

TEST_CASE("after a restart the last second's sends still count toward the rate limits",
          "[dispatcher][rate]") {
  Harness h;
  const core::Time start = h.clock.now();
  // The previous process sent 30 messages 200 ms ago, one of them to chat 5.
  for (core::ChatId chat = 1; chat <= 30; ++chat) {
    h.store.add_sent(text(chat), start - milliseconds(200));
  }
  const auto other = h.store.add_outbox(text(99), start);
  const auto same_chat = h.store.add_outbox(text(5), start);
  REQUIRE(h.dispatcher->recover().ok());

  CHECK(h.dispatcher->run_once() == 0);  // the window is still full
  h.clock.advance(milliseconds(801));    // a second and the guard after those sends
  CHECK(h.dispatcher->run_once() == 2);
  CHECK(h.last_status(other) == Status::kSent);
  CHECK(h.last_status(same_chat) == Status::kSent);
}
