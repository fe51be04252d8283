// Telegram's flood limits as mock_platform enforces them with --rate-limits, and the
// per-second timeline of message calls.
#include <catch2/catch.hpp>

#include "mock_platform/rate_enforcer.h"
#include "mock_platform/timeline.h"
#include "test_support.h"

using namespace mock_platform;
using namespace mock_platform::testing;
using std::chrono::milliseconds;

TEST_CASE("the enforcer admits 30 calls in a second and refuses the 31st", "[rate_limits]") {
  RateEnforcer rate({true, 30, milliseconds(1000)});
  const auto t0 = RateEnforcer::Clock::now();
  for (std::int64_t chat = 1; chat <= 30; ++chat) CHECK_FALSE(rate.admit(chat, t0));
  CHECK(rate.admit(31, t0 + milliseconds(999)) == std::optional<int>(1));
  CHECK(rate.admit(std::nullopt, t0 + milliseconds(999)) == std::optional<int>(1));
  // A second after the first 30 the window is empty again: refused calls did not count.
  for (std::int64_t chat = 31; chat <= 60; ++chat) {
    CHECK_FALSE(rate.admit(chat, t0 + milliseconds(1000)));
  }
  CHECK(rate.admit(61, t0 + milliseconds(1000)) == std::optional<int>(1));
}

TEST_CASE("the enforcer keeps calls to one chat a second apart", "[rate_limits]") {
  RateEnforcer rate({true, 30, milliseconds(1000)});
  const auto t0 = RateEnforcer::Clock::now();
  CHECK_FALSE(rate.admit(7, t0));
  CHECK(rate.admit(7, t0 + milliseconds(400)) == std::optional<int>(1));
  CHECK_FALSE(rate.admit(8, t0 + milliseconds(400)));             // other chats go on
  CHECK_FALSE(rate.admit(std::nullopt, t0 + milliseconds(400)));  // callback answers too
  CHECK_FALSE(rate.admit(7, t0 + milliseconds(1000)));

  SECTION("and says how long to wait in whole seconds") {
    RateEnforcer slow({true, 30, milliseconds(2500)});
    CHECK_FALSE(slow.admit(7, t0));
    CHECK(slow.admit(7, t0 + milliseconds(100)) == std::optional<int>(3));
  }
}

TEST_CASE("without --rate-limits every call is admitted", "[rate_limits]") {
  RateEnforcer rate({});
  const auto t0 = RateEnforcer::Clock::now();
  for (int i = 0; i < 100; ++i) CHECK_FALSE(rate.admit(7, t0));
}

TEST_CASE("sends, edits and callback answers count, other methods do not", "[rate_limits]") {
  CHECK(RateEnforcer::counted("sendMessage"));
  CHECK(RateEnforcer::counted("editMessageText"));
  CHECK(RateEnforcer::counted("editMessageReplyMarkup"));
  CHECK(RateEnforcer::counted("answerCallbackQuery"));
  CHECK_FALSE(RateEnforcer::counted("getUpdates"));
  CHECK_FALSE(RateEnforcer::counted("setWebhook"));
}

TEST_CASE("the timeline counts calls per second, with refusals and methods", "[rate_limits]") {
  Timeline timeline;
  const Timeline::Clock::time_point t{std::chrono::seconds(1'800'000'000)};
  timeline.record_sent("sendMessage", t);
  timeline.record_sent("sendMessage", t + milliseconds(900));
  timeline.record_sent("editMessageText", t + milliseconds(1100));
  timeline.record_rate_limited(t + milliseconds(1200));
  const Json j = timeline.to_json();
  CHECK(j["bucket_ms"] == 1000);
  REQUIRE(j["buckets"].size() == 2);
  CHECK(j["buckets"][0] == Json{{"t", 1'800'000'000},
                                {"sent", 2},
                                {"rate_limited", 0},
                                {"methods", {{"sendMessage", 2}}}});
  CHECK(j["buckets"][1]["sent"] == 1);
  CHECK(j["buckets"][1]["rate_limited"] == 1);
  CHECK(j["buckets"][1]["methods"] == Json{{"editMessageText", 1}});

  SECTION("and keeps only the last hour") {
    timeline.record_sent("sendMessage", t + std::chrono::hours(2));
    CHECK(timeline.to_json()["buckets"].size() == 1);
  }
}

TEST_CASE("with --rate-limits a second message to a chat within a second gets 429",
          "[rate_limits][http]") {
  Options options;
  options.rate.enabled = true;
  TestServer server(options);
  const auto user = server.create_user();
  const Json params = {{"chat_id", user}, {"text", "hi"}};
  CHECK(server.call("sendMessage", params).status == 200);
  const auto r = server.call("sendMessage", params);
  CHECK(r.status == 429);
  CHECK(r.body["description"] == "Too Many Requests: retry after 1");
  CHECK(r.body["parameters"]["retry_after"] == 1);
  CHECK(server.transcript(user)["messages"].size() == 1);  // the refused one had no effect

  const Json stats = server.get("/_mock/stats").body;
  CHECK(stats["rate_limited"] == 1);
  CHECK(stats["calls"]["sendMessage"]["429"] == 1);
  const Json buckets = server.get("/_mock/timeline").body["buckets"];
  std::int64_t sent = 0, refused = 0;
  for (const auto& b : buckets) {
    sent += b["sent"].get<std::int64_t>();
    refused += b["rate_limited"].get<std::int64_t>();
  }
  CHECK(sent == 1);
  CHECK(refused == 1);
}
