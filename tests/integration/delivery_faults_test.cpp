// The delivery rules end to end: the real reviewbot process against a real mock_platform
// whose fault rules make the Bot API throttle, fail, hang, refuse formatting or report a
// block. Updates reach reviewbot by getUpdates; sales are posted to /v1/events.
#include <catch2/catch.hpp>
#include <thread>

#include "integration/child_process.h"
#include "integration/mock_platform_process.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr const char* kAdmin = "admin-secret-token";

struct Deployment {
  MockPlatform mock{{"--rate-limits"}};
  ReviewbotProcess bot;

  explicit Deployment(std::map<std::string, std::string> extra = {})
      : bot(env(mock, std::move(extra))) {}

  static std::map<std::string, std::string> env(const MockPlatform& mock,
                                                std::map<std::string, std::string> extra) {
    std::map<std::string, std::string> e = {{"TELEGRAM_BOT_TOKEN", kMockToken},
                                            {"TELEGRAM_API_URL", mock.url()},
                                            {"UPDATES_MODE", "polling"},
                                            {"ADMIN_TOKEN", kAdmin},
                                            {"REMINDER_AFTER", "0"},
                                            {"TELEGRAM_API_TIMEOUT", "2s"}};
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }

  json sale(int64_t user, const std::string& id) {
    auto res = bot.post_event(sale_event(id, user, "Ann", "T-" + id), kAdmin);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status / 100 == 2);
    return json::parse(res->body);
  }

  // The bot's messages to `user` once there are n, checking there are exactly n.
  json exactly(int64_t user, std::size_t n, milliseconds timeout = seconds(10)) {
    json msgs = mock.bot_messages(user, n, timeout);
    INFO("reviewbot:\n" << bot.log());
    REQUIRE(msgs.size() == n);
    return msgs;
  }

  // Waits `wait` and checks that no more than n bot messages reached `user`.
  void still(int64_t user, std::size_t n, milliseconds wait) {
    std::this_thread::sleep_for(wait);  // proving that nothing more arrives
    CHECK(mock.bot_messages(user, 0).size() == n);
  }

  int64_t calls(const std::string& method, int status) {
    return mock.stats()["calls"].value(method, json::object()).value(std::to_string(status), 0);
  }

  // Makes the first sendMessage to `user` fail with 400 `description`, sells to them and
  // returns the one request that arrives.
  json request_after_400(int64_t user, const std::string& description) {
    mock.fault({{"method", "sendMessage"},
                {"chat_id", user},
                {"status", 400},
                {"count", 1},
                {"description", description}});
    sale(user, "evt-1");
    return exactly(user, 1)[0];
  }

  std::string metrics() {
    auto res = bot.client().Get("/metrics");
    REQUIRE(res);
    return res->body;
  }
};

}  // namespace

TEST_CASE("after a 429 the send waits at least retry_after, then goes through once",
          "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.fault({{"method", "sendMessage"}, {"status", 429}, {"retry_after", 2}, {"count", 1}});
  const auto posted = Clock::now();
  d.sale(ann, "evt-1");
  d.exactly(ann, 1);
  CHECK(Clock::now() - posted >= seconds(2));
  CHECK(d.calls("sendMessage", 429) == 1);
  CHECK(d.calls("sendMessage", 200) == 1);
  CHECK(d.mock.stats()["rate_limited"] == 0);  // reviewbot itself never ran into the limits
}

TEST_CASE("a burst of 502s is retried with backoff and delivered once", "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.fault({{"method", "sendMessage"}, {"status", 502}, {"count", 3}});
  d.sale(ann, "evt-1");
  d.exactly(ann, 1);
  CHECK(d.calls("sendMessage", 502) == 3);
  CHECK(d.calls("sendMessage", 200) == 1);
  CHECK(d.mock.stats()["duplicate_sends"] == 0);
}

TEST_CASE("an outage opens the circuit, and after it every message goes out once",
          "[e2e][faults]") {
  Deployment d;
  std::vector<int64_t> users;
  for (int i = 0; i < 6; ++i) users.push_back(d.mock.new_user("C" + std::to_string(i), "en"));
  d.mock.fault({{"method", "sendMessage"}, {"outage_seconds", 3}});
  for (std::size_t i = 0; i < users.size(); ++i) d.sale(users[i], "evt-" + std::to_string(i));
  // Five failures in a row open the breaker: /readyz says the platform is down.
  REQUIRE(eventually([&] {
    auto res = d.bot.client().Get("/readyz");
    return res && res->status == 503 &&
           res->body.find("\"platform\":\"failing\"") != std::string::npos;
  }));
  // The probe after the 30 s cool-down finds the platform back; the outbox drains.
  for (const int64_t user : users) d.exactly(user, 1, seconds(60));
  CHECK(d.calls("sendMessage", 502) >= 5);
  CHECK(d.calls("sendMessage", 200) == 6);
  CHECK(d.mock.stats()["duplicate_sends"] == 0);
  CHECK(d.mock.stats()["rate_limited"] == 0);
  auto ready = d.bot.client().Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);
}

TEST_CASE("a request that hangs after reaching the chat is not sent again", "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.fault({{"method", "sendMessage"},
                {"hang", true},
                {"execute", true},
                {"hang_ms", 4000},
                {"count", 1}});
  d.sale(ann, "evt-1");
  d.exactly(ann, 1);
  d.still(ann, 1, milliseconds(4000));  // past the 2 s timeout and any backoff
  CHECK_THAT(d.metrics(),
             Catch::Contains("reviewbot_delivery_in_doubt_total{action=\"not_resent\"} 1"));
}

TEST_CASE("a confirmation whose send hung unanswered is sent again and arrives once",
          "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.fault({{"method", "sendMessage"}, {"hang", true}, {"hang_ms", 4000}, {"count", 1}});
  d.mock.say(ann, "/stop");
  const json msgs = d.exactly(ann, 1);
  CHECK_THAT(msgs[0]["text"].get<std::string>(), Catch::Contains("/start"));
  CHECK_THAT(d.metrics(),
             Catch::Contains("reviewbot_delivery_in_doubt_total{action=\"resent\"} 1"));
}

TEST_CASE("HTML Telegram cannot parse arrives as plain text", "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  const json request =
      d.request_after_400(ann, "Bad Request: can't parse entities: Unsupported start tag");
  CHECK(request["parse_mode"].is_null());
  CHECK(request["text"].get<std::string>().find('<') == std::string::npos);
  CHECK(request["inline_keyboard"][0].size() == 5);
}

TEST_CASE("a refused keyboard becomes a typed rating that still records the review",
          "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  const json request = d.request_after_400(ann, "Bad Request: BUTTON_DATA_INVALID");
  CHECK(request["inline_keyboard"].empty());
  CHECK_THAT(request["text"].get<std::string>(), Catch::Contains("1 to 5"));

  d.mock.say(ann, "4");
  json reviews;
  REQUIRE(eventually([&] {
    auto res = d.bot.get("/v1/reviews", kAdmin);
    reviews = res && res->status == 200 ? json::parse(res->body) : json();
    return reviews.contains("reviews") && reviews["reviews"].size() == 1;
  }));
  CHECK(reviews["reviews"][0]["rating"] == 4);
}

TEST_CASE("a customer who blocked the bot silently is skipped after the first 403",
          "[e2e][faults]") {
  Deployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.call("POST", "/_mock/users/" + std::to_string(ann) + "/block", {{"notify", false}});
  CHECK(d.sale(ann, "evt-1")["status"] == "scheduled");
  REQUIRE(eventually([&] { return d.calls("sendMessage", 403) == 1; }));
  json answer;
  REQUIRE(eventually([&] {
    answer = d.sale(ann, "evt-" + std::to_string(Clock::now().time_since_epoch().count()));
    return answer["status"] == "skipped";
  }));
  CHECK(answer["reason"] == "unreachable");
  CHECK(d.calls("sendMessage", 403) == 1);  // no retry of a 403
}
