// The review flow against real mock_platform processes: Telegram's side is simulated by
// mock_platform's control API; updates reach reviewbot by webhook or by getUpdates.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "integration/child_process.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;

namespace {

constexpr const char* kAdmin = "admin-secret-token";
constexpr const char* kToken = "424242:mock-token";

// A port that was free a moment ago (reviewbot must know its own URL before it starts).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class MockPlatform {
 public:
  MockPlatform()
      : process_(mock_binary(), {"--port", "0", "--token", kToken}, {{"PATH", "/usr/bin:/bin"}},
                 dir_.path() + "/mock.log") {}

  std::string url() const { return "http://127.0.0.1:" + std::to_string(process_.port()); }

  json call(const std::string& method, const std::string& path, const json& body = nullptr) {
    httplib::Client c("127.0.0.1", process_.port());
    c.set_read_timeout(std::chrono::seconds(10));
    auto res = method == "GET" ? c.Get(path.c_str())
                               : c.Post(path.c_str(), body.dump(), "application/json");
    REQUIRE(res);
    INFO(path << " → " << res->status << " " << res->body);
    REQUIRE(res->status / 100 == 2);
    return json::parse(res->body);
  }

  int64_t new_user(const std::string& name, const std::string& lang) {
    return call("POST", "/_mock/users", {{"name", name}, {"language_code", lang}})["user_id"];
  }
  void say(int64_t user, const std::string& text) {
    call("POST", "/_mock/users/" + std::to_string(user) + "/messages", {{"text", text}});
  }
  void press(int64_t user, int64_t message_id, const std::string& data) {
    call("POST", "/_mock/users/" + std::to_string(user) + "/press",
         {{"message_id", message_id}, {"callback_data", data}});
  }
  // The chat's bot messages once there are at least n of them.
  json bot_messages(int64_t user, std::size_t n) {
    json out = json::array();
    eventually([&] {
      out = json::array();
      const json chat = call("GET", "/_mock/chats/" + std::to_string(user));
      for (const auto& m : chat["messages"]) {
        if (m["from"] == "bot") out.push_back(m);
      }
      return out.size() >= n;
    });
    return out;
  }
  std::string log() const { return process_.log(); }

 private:
  static std::string mock_binary() {
    const char* v = std::getenv("MOCK_PLATFORM_BIN");
    return v && *v ? v : REVIEWBOT_DEFAULT_MOCK_BIN;
  }
  TempDir dir_;
  ChildProcess process_;
};

std::map<std::string, std::string> reviewbot_env(const MockPlatform& mock) {
  return {{"TELEGRAM_BOT_TOKEN", kToken},
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

  const json stats = mock.call("GET", "/_mock/stats");
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
  const json stats = d.mock.call("GET", "/_mock/stats");
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
