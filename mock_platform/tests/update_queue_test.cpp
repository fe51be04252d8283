#include "mock_platform/update_queue.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

using mock_platform::UpdateQueue;
using namespace std::chrono_literals;

TEST_CASE("updates get increasing ids and wait for getUpdates", "[queue]") {
  UpdateQueue q;
  const auto a = q.push("message", 1, {{"text", "a"}});
  const auto b = q.push("message", 2, {{"text", "b"}});
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*b == *a + 1);
  auto got = q.poll(0, 100, 0ms);
  REQUIRE(got.size() == 2);
  CHECK(got[0]["update_id"] == *a);
  CHECK(got[0]["message"]["text"] == "a");

  SECTION("an offset confirms earlier updates") {
    got = q.poll(*b, 100, 0ms);
    REQUIRE(got.size() == 1);
    CHECK(got[0]["update_id"] == *b);
    CHECK(q.pending_count() == 1);
  }
  SECTION("limit caps the batch") { CHECK(q.poll(0, 1, 0ms).size() == 1); }
  SECTION("a negative offset keeps only the newest updates") {
    got = q.poll(-1, 100, 0ms);
    REQUIRE(got.size() == 1);
    CHECK(got[0]["update_id"] == *b);
  }
}

TEST_CASE("a long poll returns as soon as an update arrives", "[queue]") {
  UpdateQueue q;
  std::thread pusher([&] { q.push("message", 1, {{"text", "late"}}); });
  const auto start = std::chrono::steady_clock::now();
  auto got = q.poll(0, 100, 10s);
  pusher.join();
  REQUIRE(got.size() == 1);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a long poll with nothing to deliver ends at its timeout", "[queue]") {
  UpdateQueue q;
  const auto start = std::chrono::steady_clock::now();
  CHECK(q.poll(0, 100, 100ms).empty());
  CHECK(std::chrono::steady_clock::now() - start >= 100ms);
}

TEST_CASE("allowed_updates drops other update types", "[queue]") {
  UpdateQueue q;
  q.set_allowed_updates({"callback_query"});
  CHECK_FALSE(q.push("message", 1, {}));
  CHECK(q.push("callback_query", 1, {}));
  q.set_allowed_updates({});
  CHECK(q.push("message", 1, {}));
}

TEST_CASE("the webhook gets one update per chat at a time, in order", "[queue]") {
  UpdateQueue q;
  std::atomic<bool> stop{false};
  const auto a1 = *q.push("message", 1, {});
  const auto a2 = *q.push("message", 1, {});
  const auto b1 = *q.push("message", 2, {});

  auto first = q.acquire(stop);
  auto second = q.acquire(stop);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->update_id == a1);
  CHECK(second->update_id == b1);  // a2 waits behind a1

  SECTION("a retry keeps the chat blocked until it succeeds") {
    q.retry_at(a1, UpdateQueue::Clock::now());
    auto again = q.acquire(stop);
    REQUIRE(again);
    CHECK(again->update_id == a1);
    CHECK(again->attempt == 2);
  }
  SECTION("completion releases the next update of the chat") {
    q.complete(a1);
    auto next = q.acquire(stop);
    REQUIRE(next);
    CHECK(next->update_id == a2);
  }
  SECTION("a stopped worker returns without an update") {
    stop = true;
    q.wake_all();
    CHECK_FALSE(q.acquire(stop));
  }
}

TEST_CASE("a retry is not handed out before its time", "[queue]") {
  UpdateQueue q;
  std::atomic<bool> stop{false};
  const auto id = *q.push("message", 1, {});
  REQUIRE(q.acquire(stop));
  const auto when = UpdateQueue::Clock::now() + 100ms;
  q.retry_at(id, when);
  auto again = q.acquire(stop);
  REQUIRE(again);
  CHECK(UpdateQueue::Clock::now() >= when);
}

TEST_CASE("shutdown releases blocked callers", "[queue]") {
  UpdateQueue q;
  std::atomic<bool> stop{false};
  std::thread waiter([&] { CHECK_FALSE(q.acquire(stop)); });
  q.shutdown();
  waiter.join();
  CHECK(q.poll(0, 100, 10s).empty());
}
