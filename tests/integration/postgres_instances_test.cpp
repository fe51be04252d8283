// reviewbot on PostgreSQL, end to end: real reviewbot processes on one database (a private
// schema on the server of REVIEWBOT_TEST_POSTGRES_URL, which scripts/test starts), a fake
// Bot API, and the till's and Telegram's requests. One instance across a restart, and two
// instances sharing the database: every input applied once, every sale asked once, one
// send rate for the bot.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"
#include "store/pg_test_server.h"

using nlohmann::json;
using namespace reviewbot::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAdmin = "admin-secret-token";

// A private schema and the DATABASE_URL that selects it (the test server's URL, whose
// password has @, : and / percent-encoded, as Heroku's may).
struct Database {
  explicit Database(reviewbot::config::DatabaseTarget server)
      : schema(std::move(server)), url(schema.url()) {}
  TestSchema schema;
  std::string url;
};

std::map<std::string, std::string> env_for(const FakeBotApi& api, const Database& db,
                                           const std::string& instance) {
  return {{"TELEGRAM_BOT_TOKEN", api.token()},
          {"TELEGRAM_API_URL", api.url()},
          {"ADMIN_TOKEN", kAdmin},
          {"DATABASE_URL", db.url},
          {"INSTANCE_ID", instance},
          {"REMINDER_AFTER", "0"}};
}

// Instances web.1 and web.2 on one database, with one fake Bot API.
struct TwoInstances {
  explicit TwoInstances(const reviewbot::config::DatabaseTarget& server) : db(server) {}
  Database db;
  FakeBotApi api;
  ReviewbotProcess first{env_for(api, db, "web.1")};
  ReviewbotProcess second{env_for(api, db, "web.2")};
};

int post_status(ReviewbotProcess& bot, const json& event) {
  auto res = bot.post_event(event, kAdmin);
  REQUIRE(res);
  INFO(res->body);
  return res->status;
}

json get_json(ReviewbotProcess& bot, const std::string& path) {
  auto res = bot.get(path, kAdmin);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

std::size_t requests_to(const FakeBotApi& api, int64_t chat) {
  return api.messages_to(chat).size();
}

// The most sendMessage calls that arrived within any one second.
std::size_t busiest_second(const std::vector<ApiCall>& calls) {
  std::vector<std::chrono::steady_clock::time_point> times;
  for (const auto& c : calls) {
    if (c.method == "sendMessage") times.push_back(c.at);
  }
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; j < times.size(); ++j) {
    while (times[j] - times[i] >= 1s) ++i;
    most = std::max(most, j - i + 1);
  }
  return most;
}

}  // namespace

TEST_CASE("on PostgreSQL the whole review flow survives a restart", "[e2e][postgres]") {
  const auto server = test_server();
  if (!server) return;
  Database db(*server);
  FakeBotApi api;
  constexpr int64_t kAnn = 5001;
  const json sale = sale_event("evt-pg-1", kAnn);
  {
    ReviewbotProcess bot(env_for(api, db, "web.1"));
    CHECK(post_status(bot, sale) == 202);
    const auto request = api.wait_for_messages(kAnn, 1).at(0);
    const int64_t request_id = 100;  // the fake's first message id
    CHECK_THAT(request.params.value("text", ""), Catch::Contains("Ann"));
    REQUIRE(bot.post_update(button_press(1, kAnn, request_id, "rate:2"))->status == 200);
    api.wait_for_messages(kAnn, 2);  // the comment prompt
    CHECK(bot.stop() == 0);
  }
  ReviewbotProcess bot(env_for(api, db, "web.1"));
  auto again = bot.post_event(sale, kAdmin);
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body)["status"] == "duplicate");
  REQUIRE(bot.post_update(text_message(2, kAnn, "Cold coffee"))->status == 200);
  api.wait_for_messages(kAnn, 3);  // the thank-you
  const json reviews = get_json(bot, "/v1/reviews");
  REQUIRE(reviews["reviews"].size() == 1);
  CHECK(reviews["reviews"][0]["rating"] == 2);
  CHECK(reviews["reviews"][0]["comment"] == "Cold coffee");
  CHECK(get_json(bot, "/v1/stats")["responses"] == 1);
}

TEST_CASE("two instances on one PostgreSQL apply each input once and ask each sale once",
          "[e2e][postgres][instances]") {
  const auto server = test_server();
  if (!server) return;
  TwoInstances two(*server);
  FakeBotApi& api = two.api;
  ReviewbotProcess& first = two.first;
  ReviewbotProcess& second = two.second;
  std::vector<int64_t> chats;
  for (int i = 0; i < 10; ++i) {
    const int64_t chat = 6000 + i;
    chats.push_back(chat);
    CHECK(post_status(i % 2 ? second : first, sale_event("evt-" + std::to_string(chat), chat)) ==
          202);
  }
  SECTION("the same event id at both: 202, then 200 duplicate") {
    const json event = sale_event("evt-twice", 6100);
    CHECK(post_status(first, event) == 202);
    auto res = second.post_event(event, kAdmin);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body)["status"] == "duplicate");
    chats.push_back(6100);
  }
  SECTION("the same update delivered to both at once is applied once") {
    const json thanks = text_message(900, 6200, "thank you so much!");
    int statuses[2] = {0, 0};
    warm_up_http_client(first.port());
    std::thread a([&] { statuses[0] = first.post_update(thanks)->status; });
    std::thread b([&] { statuses[1] = second.post_update(thanks)->status; });
    a.join();
    b.join();
    CHECK(statuses[0] == 200);
    CHECK(statuses[1] == 200);
    chats.push_back(6200);
  }
  REQUIRE(api.wait_for([&](const std::vector<ApiCall>& calls) {  // under the fake's lock
    std::set<int64_t> asked;
    for (const auto& c : calls) {
      if (c.method == "sendMessage") asked.insert(c.params.value("chat_id", int64_t{0}));
    }
    return std::all_of(chats.begin(), chats.end(),
                       [&](int64_t chat) { return asked.count(chat) > 0; });
  }));
  std::this_thread::sleep_for(1500ms);  // room for a duplicate to show up
  for (const int64_t chat : chats) {
    INFO("chat " << chat);
    CHECK(requests_to(api, chat) == 1);
  }
  CHECK(get_json(first, "/v1/stats") == get_json(second, "/v1/stats"));
  CHECK(get_json(first, "/v1/stats")["requests_sent"] == static_cast<int>(chats.size()));
}

TEST_CASE("80 sales at once across two instances never put more than 30 sends in a second",
          "[e2e][postgres][instances]") {
  const auto server = test_server();
  if (!server) return;
  TwoInstances two(*server);
  FakeBotApi& api = two.api;
  ReviewbotProcess& first = two.first;
  ReviewbotProcess& second = two.second;
  std::vector<std::thread> tills;
  std::atomic<int> accepted{0};
  warm_up_http_client(first.port());
  for (int t = 0; t < 4; ++t) {
    tills.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const int64_t chat = 7000 + t * 100 + i;
        ReviewbotProcess& bot = (t % 2) ? second : first;
        auto res = bot.post_event(sale_event("evt-" + std::to_string(chat), chat), kAdmin);
        if (res && res->status == 202) {
          ++accepted;
        } else {
          std::fprintf(stderr, "sale %lld: %d %s\n", static_cast<long long>(chat),
                       res ? res->status : 0, res ? res->body.c_str() : "");
        }
      }
    });
  }
  for (auto& t : tills) t.join();
  REQUIRE(accepted == 80);
  REQUIRE(api.wait_for(
      [](const std::vector<ApiCall>& calls) {
        return std::count_if(calls.begin(), calls.end(),
                             [](const ApiCall& c) { return c.method == "sendMessage"; }) >= 80;
      },
      30s));
  const auto calls = api.calls();
  INFO("busiest second: " << busiest_second(calls));
  CHECK(busiest_second(calls) <= 30);
  CHECK(api.calls("sendMessage").size() == 80);
}

TEST_CASE("a killed sender's unfinished message is delivered once by the other instance",
          "[e2e][postgres][instances][takeover]") {
  const auto server = test_server();
  if (!server) return;
  Database db(*server);
  FakeBotApi api;
  constexpr int64_t kAnn = 8500;
  auto first = std::make_unique<ReviewbotProcess>(env_for(api, db, "web.1"));
  CHECK(post_status(*first, sale_event("evt-takeover", kAnn)) == 202);
  REQUIRE(api.wait_for_messages(kAnn, 1).size() == 1);  // the request, message id 100
  // The rating's edit of the request (sent at least once) stalls on its way to the chat.
  api.hang_chat(kAnn);
  REQUIRE(first->post_update(button_press(1, kAnn, 100, "rate:4"))->status == 200);
  REQUIRE(eventually([&] { return api.hanging() == 1; }));

  // An instance started meanwhile leaves that send alone: web.1 holds it, and sends.
  ReviewbotProcess second(env_for(api, db, "web.2"));
  std::this_thread::sleep_for(2s);
  CHECK(api.hanging() == 1);
  CHECK(api.calls("editMessageText").empty());

  first->kill();
  api.release_chat(kAnn);  // the stalled call ends with the process that made it
  const auto edited = [](const std::vector<ApiCall>& calls) {
    return std::count_if(calls.begin(), calls.end(),
                         [](const ApiCall& c) { return c.method == "editMessageText"; });
  };
  CHECK(api.wait_for([&](const std::vector<ApiCall>& calls) { return edited(calls) >= 1; }, 45s));
  api.wait_for_messages(kAnn, 2, 10s);  // then the comment prompt
  std::this_thread::sleep_for(1s);
  CHECK(edited(api.calls()) == 1);
  CHECK(api.messages_to(kAnn).size() == 2);  // the request once, the prompt once
  CHECK_THAT(second.log(), Catch::Contains("is now the sender"));
}
