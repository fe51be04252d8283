#include "reviewbot/delivery/rate_limiter.h"

#include <catch2/catch.hpp>

#include "fakes/fake_clock.h"

using namespace reviewbot;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// Sends as soon as the limiter allows, one per chat from `first_chat` on; returns the
// send times.
std::vector<core::Time> send_to_distinct_chats(delivery::RateLimiter& limiter,
                                               testing::FakeClock& clock, int count,
                                               core::ChatId first_chat = 1) {
  std::vector<core::Time> times;
  for (int i = 0; i < count; ++i) {
    const core::ChatId chat = first_chat + i;
    const core::Time at = limiter.allowed_at(chat, clock.now());
    if (at > clock.now()) clock.set(at);
    limiter.record(chat, clock.now());
    times.push_back(clock.now());
  }
  return times;
}

}  // namespace

TEST_CASE("the limiter lets 30 sends go at once, then no more than 30 in any second",
          "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter;
  const core::Time start = clock.now();
  const auto times = send_to_distinct_chats(limiter, clock, 90);
  for (int i = 0; i < 30; ++i) CHECK(times[i] == start);
  CHECK(times[30] == start + milliseconds(1001));

  SECTION("no one-second window ever holds more than 30 sends") {
    for (std::size_t i = 0; i + 30 < times.size(); ++i) {
      CHECK(times[i + 30] - times[i] > seconds(1));
    }
  }
  SECTION("the 60 sends after the burst take about two seconds") {
    CHECK(times[89] - start >= milliseconds(1990));
    CHECK(times[89] - start <= milliseconds(2010));
  }
}

TEST_CASE("the limiter refills its burst after idling", "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter;
  send_to_distinct_chats(limiter, clock, 30);
  clock.advance(seconds(2));
  const core::Time rested = clock.now();
  const auto times = send_to_distinct_chats(limiter, clock, 30, 100);
  CHECK(times.back() == rested);
}

TEST_CASE("the limiter allows one send per chat per second", "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter;
  const core::Time start = clock.now();
  CHECK(limiter.allowed_at(7, start) == start);
  limiter.record(7, start);
  CHECK(limiter.allowed_at(7, start) == start + milliseconds(1001));
  CHECK(limiter.allowed_at(7, start + milliseconds(999)) == start + milliseconds(1001));
  CHECK(limiter.allowed_at(7, start + seconds(2)) == start + seconds(2));

  SECTION("other chats are not held back") { CHECK(limiter.allowed_at(8, start) == start); }
  SECTION("the interval is configurable") {
    delivery::RateLimiter slow({30, seconds(3)});
    slow.record(7, start);
    CHECK(slow.allowed_at(7, start) == start + milliseconds(3001));
  }
  SECTION("an interval of 0 turns the per-chat rule off") {
    delivery::RateLimiter free_chats({30, seconds(0)});
    free_chats.record(7, start);
    CHECK(free_chats.allowed_at(7, start) == start);
    CHECK(free_chats.tracked_chats() == 0);
  }
}

TEST_CASE("callback answers are exempt from the per-chat rule but count per bot",
          "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter({2, seconds(1)});
  const core::Time start = clock.now();
  limiter.record(0, start);
  CHECK(limiter.allowed_at(0, start) == start);
  limiter.record(0, start);
  // Two callback answers filled the window of two: the next send of any kind waits.
  CHECK(limiter.allowed_at(0, start) == start + milliseconds(1001));
  CHECK(limiter.allowed_at(9, start) == start + milliseconds(1001));
}

TEST_CASE("a 429 pause holds every chat until it ends", "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter;
  const core::Time start = clock.now();
  limiter.pause_until(start + seconds(17));
  CHECK(limiter.allowed_at(1, start) == start + seconds(17));
  CHECK(limiter.allowed_at(0, start) == start + seconds(17));
  CHECK(limiter.bot_allowed_at(start + seconds(5)) == start + seconds(17));
  CHECK(limiter.allowed_at(1, start + seconds(17)) == start + seconds(17));

  SECTION("an earlier pause does not shorten it") {
    limiter.pause_until(start + seconds(3));
    CHECK(limiter.paused_until() == start + seconds(17));
  }
}

TEST_CASE("the limiter forgets chats idle longer than the interval", "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter({1000, seconds(1)});
  for (core::ChatId chat = 1; chat <= 500; ++chat) limiter.record(chat, clock.now());
  CHECK(limiter.tracked_chats() == 500);
  clock.advance(seconds(2));
  limiter.record(1000, clock.now());
  CHECK(limiter.tracked_chats() == 1);
}

TEST_CASE("available counts the sends the window allows at once", "[rate_limiter]") {
  testing::FakeClock clock;
  delivery::RateLimiter limiter({30, seconds(1)});
  const core::Time start = clock.now();
  CHECK(limiter.available(start) == 30);
  for (core::ChatId chat = 1; chat <= 29; ++chat) limiter.record(chat, start);
  CHECK(limiter.available(start) == 1);
  limiter.record(30, start);
  CHECK(limiter.available(start) == 0);
  CHECK(limiter.available(start + seconds(1)) == 0);
  CHECK(limiter.available(start + milliseconds(1001)) == 30);
  limiter.record(31, start + milliseconds(500));
  CHECK(limiter.available(start + milliseconds(1001)) == 29);
  CHECK(limiter.available(start + seconds(2)) == 30);
  limiter.pause_until(start + seconds(5));
  CHECK(limiter.available(start + seconds(2)) == 0);
}
