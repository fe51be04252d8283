#include "reviewbot/delivery/circuit_breaker.h"

#include <catch2/catch.hpp>

#include "fakes/fake_clock.h"

using namespace reviewbot;
using State = delivery::CircuitBreaker::State;
using std::chrono::minutes;
using std::chrono::seconds;

TEST_CASE("the breaker opens after five consecutive transient failures", "[breaker]") {
  testing::FakeClock clock;
  delivery::CircuitBreaker breaker;
  for (int i = 0; i < 4; ++i) breaker.record_failure(clock.now());
  CHECK(breaker.state(clock.now()) == State::kClosed);
  CHECK(breaker.open_until(clock.now()) == clock.now());
  breaker.record_failure(clock.now());
  CHECK(breaker.state(clock.now()) == State::kOpen);
  CHECK(breaker.open_until(clock.now()) == clock.now() + seconds(30));

  SECTION("a success in between starts the count again") {
    delivery::CircuitBreaker other;
    for (int i = 0; i < 4; ++i) other.record_failure(clock.now());
    other.record_success();
    for (int i = 0; i < 4; ++i) other.record_failure(clock.now());
    CHECK(other.state(clock.now()) == State::kClosed);
  }
}

TEST_CASE("the breaker turns half-open for a probe after the cool-down", "[breaker]") {
  testing::FakeClock clock;
  delivery::CircuitBreaker breaker({2, seconds(30), minutes(5)});
  breaker.record_failure(clock.now());
  breaker.record_failure(clock.now());
  clock.advance(seconds(29));
  CHECK(breaker.state(clock.now()) == State::kOpen);
  clock.advance(seconds(1));
  CHECK(breaker.state(clock.now()) == State::kHalfOpen);

  SECTION("a successful probe closes it") {
    breaker.record_success();
    CHECK(breaker.state(clock.now()) == State::kClosed);
  }
  SECTION("a failed probe re-opens it with a doubled cool-down, up to 5 min") {
    const seconds expected[] = {seconds(60), seconds(120), seconds(240), seconds(300),
                                seconds(300)};
    for (const auto cool_down : expected) {
      REQUIRE(breaker.state(clock.now()) == State::kHalfOpen);
      breaker.record_failure(clock.now());
      CHECK(breaker.state(clock.now()) == State::kOpen);
      CHECK(breaker.open_until(clock.now()) == clock.now() + cool_down);
      clock.advance(cool_down);
    }
    SECTION("and success after that resets the cool-down") {
      breaker.record_success();
      breaker.record_failure(clock.now());
      breaker.record_failure(clock.now());
      CHECK(breaker.open_until(clock.now()) == clock.now() + seconds(30));
    }
  }
}

TEST_CASE("failures reported while open do not extend it", "[breaker]") {
  testing::FakeClock clock;
  delivery::CircuitBreaker breaker({1, seconds(30), minutes(5)});
  breaker.record_failure(clock.now());
  const core::Time until = breaker.open_until(clock.now());
  clock.advance(seconds(10));
  breaker.record_failure(clock.now());
  CHECK(breaker.open_until(clock.now()) == until);
}
