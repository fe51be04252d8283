// The review flow against real mock_platform processes: Telegram's side is simulated by
// mock_platform's control API; updates reach reviewbot by webhook or by getUpdates.
#include <catch2/catch.hpp>

#include "integration/child_process.h"
#include "integration/mock_platform_process.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;

namespace {

constexpr const char* kAdmin = "admin-secret-token";

std::map<std::string, std::string> reviewbot_env(const MockPlatform& mock) {
  return {{"TELEGRAM_BOT_TOKEN", kMockToken},
          {"TELEGRAM_API_URL", mock.url()},
          {"ADMIN_TOKEN", kAdmin},
          {"REVIEW_URL", "https://reviews.example/shop"}};
}

// Rates the request (the chat's first bot message), comments, and checks each reply.
void rate_and_comment(MockPlatform& mock, const ReviewbotProcess& bot, int64_t user, int rating,
                      const std::string& comment) {
  json msgs = mock.bot_messages(user, 1);
  if (msgs.empty())
    FAIL("no request\nreviewbot:\n" << bot.log() << "\nmock_platform:\n" << mock.log());
  const json& request = msgs[0];
  REQUIRE(request["inline_keyboard"].size() == 1);
  REQUIRE(request["inline_keyboard"][0].size() == 5);
  mock.press(user, request["message_id"],
             request["inline_keyboard"][0][rating - 1]["callback_data"]);

  msgs = mock.bot_messages(user, 2);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0]["edited"] == true);                  // the request now shows the rating
  CHECK(msgs[0]["inline_keyboard"].empty());         // and lost its buttons
  CHECK(msgs[1]["inline_keyboard"][0].size() == 1);  // the comment prompt's Skip

  mock.say(user, comment);
  msgs = mock.bot_messages(user, 3);
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[2].dump().find("https://reviews.example/shop") != std::string::npos);
}

}  // namespace

TEST_CASE("reviewbot registers its webhook and runs the flow through mock_platform",
          "[e2e][mock_platform]") {
  MockPlatform mock;
  const int port = free_port();
  auto env = reviewbot_env(mock);
  env["PORT"] = std::to_string(port);
  env["PUBLIC_URL"] = "http://127.0.0.1:" + std::to_string(port);
  env["TELEGRAM_WEBHOOK_SECRET"] = "hook-secret";
  ReviewbotProcess bot(env);

  const int64_t maria = mock.new_user("María", "es");
  mock.say(maria, "¡Muchas gracias!");
  rate_and_comment(mock, bot, maria, 4, "Muy rico todo");

  json reviews;
  REQUIRE(eventually([&] {
    auto res = bot.get("/v1/reviews", kAdmin);
    reviews = res && res->status == 200 ? json::parse(res->body) : json();
    return reviews.contains("reviews") && reviews["reviews"].size() == 1 &&
           reviews["reviews"][0]["comment"].is_string();
  }));
  CHECK(reviews["reviews"][0]["rating"] == 4);
  CHECK(reviews["reviews"][0]["locale"] == "es");
  CHECK(reviews["reviews"][0]["trigger"] == "thank_you");
  CHECK(reviews["reviews"][0]["comment"] == "Muy rico todo");

  const json stats = mock.stats();
  INFO(stats.dump());
  CHECK(stats["calls"]["setWebhook"]["200"] == 1);
  CHECK(stats["duplicate_sends"] == 0);
  CHECK(stats["updates_delivered"] >= 3);
}

// reviewbot fetching its updates from mock_platform with getUpdates.
struct PollingDeployment {
  MockPlatform mock;
  ReviewbotProcess bot{polling_env(mock)};

  static std::map<std::string, std::string> polling_env(const MockPlatform& mock) {
    auto env = reviewbot_env(mock);
    env["UPDATES_MODE"] = "polling";
    return env;
  }
};

TEST_CASE("with UPDATES_MODE=polling reviewbot fetches updates with getUpdates",
          "[e2e][mock_platform]") {
  PollingDeployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.say(ann, "thank you!");
  rate_and_comment(d.mock, d.bot, ann, 5, "Lovely");
  const json stats = d.mock.stats();
  INFO(stats.dump());
  CHECK(stats["calls"].contains("getUpdates"));
  CHECK_FALSE(stats["calls"].contains("setWebhook"));
}

TEST_CASE("a customer who blocks the bot in Telegram is skipped by the next sale",
          "[e2e][mock_platform]") {
  PollingDeployment d;
  const int64_t ann = d.mock.new_user("Ann", "en");
  d.mock.call("POST", "/_mock/users/" + std::to_string(ann) + "/block");
  // The block arrives as an update; until it is processed a sale is still scheduled.
  json answer;
  int sale_number = 0;
  REQUIRE(eventually([&] {
    const std::string n = std::to_string(++sale_number);
    auto res = d.bot.post_event(sale_event("evt-blocked-" + n, ann, "Ann", "T-" + n), kAdmin);
    answer = res ? json::parse(res->body) : json();
    return answer.value("status", "") == "skipped";
  }));
  CHECK(answer["reason"] == "unreachable");
}
