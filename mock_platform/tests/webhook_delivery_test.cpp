// Webhook delivery over loopback: secret header, retries, Retry-After, per-chat order and
// the max_connections bound. Each receiver is declared before its server so the server, and
// its keep-alive connections to the receiver, go first.
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>

#include "test_support.h"

using namespace mock_platform::testing;

namespace {

Json webhook_info(TestServer& server) { return server.call("getWebhookInfo").body["result"]; }

std::string text_of(const WebhookReceiver::Hit& hit) {
  return hit.update.value("/message/text"_json_pointer, std::string());
}

}  // namespace

TEST_CASE("the webhook receives each update with the secret token header", "[webhook]") {
  WebhookReceiver hook;
  TestServer server;
  const auto user = server.create_user();
  REQUIRE(
      server.call("setWebhook", {{"url", hook.url()}, {"secret_token", "s3cr3t-Token_1"}}).status ==
      200);
  const auto update_id = server.user_says(user, "thank you!").body["update_id"];

  REQUIRE(eventually([&] { return hook.count() == 1; }));
  const auto hit = hook.hits()[0];
  CHECK(hit.secret == "s3cr3t-Token_1");
  CHECK(hit.update["update_id"] == update_id);
  CHECK(hit.update["message"]["text"] == "thank you!");
  CHECK(hit.update["message"]["chat"]["id"] == user);
  CHECK(eventually([&] { return webhook_info(server)["pending_update_count"] == 0; }));
  CHECK(server.get("/_mock/stats").body["updates_delivered"] == 1);
  const auto info = webhook_info(server);
  CHECK(info["url"] == hook.url());
  CHECK(info["max_connections"] == 40);
  CHECK_FALSE(info.contains("last_error_message"));
}

TEST_CASE("updates queued before setWebhook are delivered once it is set", "[webhook]") {
  WebhookReceiver hook;
  TestServer server;
  const auto user = server.create_user();
  server.user_says(user, "one");
  server.user_says(user, "two");
  CHECK(webhook_info(server)["pending_update_count"] == 2);

  SECTION("by default") {
    server.call("setWebhook", {{"url", hook.url()}});
    REQUIRE(eventually([&] { return hook.count() == 2; }));
  }
  SECTION("unless drop_pending_updates discards them") {
    server.call("setWebhook", {{"url", hook.url()}, {"drop_pending_updates", true}});
    CHECK(webhook_info(server)["pending_update_count"] == 0);
    server.user_says(user, "three");
    REQUIRE(eventually([&] { return hook.count() == 1; }));
    CHECK(text_of(hook.hits()[0]) == "three");
  }
}

TEST_CASE("a 500 from the webhook is retried and recorded as the last error", "[webhook]") {
  WebhookReceiver hook([](const WebhookReceiver::Hit&, int nth) {
    return std::pair<int, httplib::Headers>{nth == 1 ? 500 : 200, {}};
  });
  TestServer server;
  const auto user = server.create_user();
  server.call("setWebhook", {{"url", hook.url()}});
  server.user_says(user, "hello");

  REQUIRE(eventually([&] { return hook.count() == 2; }));
  const auto hits = hook.hits();
  CHECK(hits[0].update["update_id"] == hits[1].update["update_id"]);
  REQUIRE(eventually([&] { return webhook_info(server)["pending_update_count"] == 0; }));
  const auto info = webhook_info(server);
  CHECK(info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error");
  CHECK(info["last_error_date"].get<std::int64_t>() > 0);
  const auto stats = server.get("/_mock/stats").body;
  CHECK(stats["delivery_retries"] == 1);
  CHECK(stats["updates_delivered"] == 1);
}

TEST_CASE("a Retry-After answer delays the redelivery", "[webhook]") {
  WebhookReceiver hook([](const WebhookReceiver::Hit&, int nth) {
    if (nth == 1) return std::pair<int, httplib::Headers>{429, {{"Retry-After", "1"}}};
    return std::pair<int, httplib::Headers>{200, {}};
  });
  TestServer server;  // backoff is capped at 200 ms here, so a 1 s gap means Retry-After won
  const auto user = server.create_user();
  server.call("setWebhook", {{"url", hook.url()}});
  server.user_says(user, "hello");

  REQUIRE(eventually([&] { return hook.count() == 2; }));
  const auto hits = hook.hits();
  CHECK(hits[1].at - hits[0].at >= std::chrono::milliseconds(950));
  CHECK(webhook_info(server)["last_error_message"] ==
        "Wrong response from the webhook: 429 Too Many Requests");
}

TEST_CASE("a chat's updates arrive in order while other chats go on", "[webhook]") {
  std::atomic<bool> b_done{false};
  // "a1" fails until chat B's last update arrived: B must not wait behind A's retries.
  WebhookReceiver hook([&](const WebhookReceiver::Hit& hit, int) {
    if (text_of(hit) == "b2") b_done = true;
    const bool fail = text_of(hit) == "a1" && !b_done;
    return std::pair<int, httplib::Headers>{fail ? 503 : 200, {}};
  });
  TestServer server;
  const auto a = server.create_user("A");
  const auto b = server.create_user("B");
  server.call("setWebhook", {{"url", hook.url()}, {"max_connections", 10}});
  for (const auto* t : {"a1", "a2", "a3"}) server.user_says(a, t);
  for (const auto* t : {"b1", "b2"}) server.user_says(b, t);

  REQUIRE(eventually([&] { return webhook_info(server)["pending_update_count"] == 0; }));
  std::vector<std::string> chat_a;
  std::vector<std::string> chat_b;
  for (const auto& hit : hook.hits()) {
    const auto chat = hit.update["message"]["chat"]["id"];
    (chat == a ? chat_a : chat_b).push_back(text_of(hit));
  }
  REQUIRE(chat_a.size() >= 4);
  CHECK(chat_a.front() == "a1");
  CHECK(std::vector<std::string>(chat_a.end() - 3, chat_a.end()) ==
        std::vector<std::string>{"a1", "a2", "a3"});
  CHECK(chat_b == std::vector<std::string>{"b1", "b2"});
}

TEST_CASE("no more than max_connections deliveries are in flight", "[webhook]") {
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  int max_seen = 0;
  bool release = false;
  WebhookReceiver hook([&](const WebhookReceiver::Hit&, int) {
    std::unique_lock lock(mu);
    max_seen = std::max(max_seen, ++in_flight);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return release; });
    --in_flight;
    return std::pair<int, httplib::Headers>{200, {}};
  });
  TestServer server;
  server.call("setWebhook", {{"url", hook.url()}, {"max_connections", 2}});
  for (int i = 0; i < 5; ++i) server.user_says(server.create_user(), "hi");

  REQUIRE(eventually([&] {
    std::lock_guard lock(mu);
    return in_flight == 2;
  }));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  REQUIRE(eventually([&] { return hook.count() == 5; }));
  std::lock_guard lock(mu);
  CHECK(max_seen == 2);
}

TEST_CASE("an unreachable webhook records a connection error and keeps the update", "[webhook]") {
  TestServer server;
  const auto user = server.create_user();
  server.call("setWebhook", {{"url", "http://127.0.0.1:1/hook"}});
  server.user_says(user, "hello");
  REQUIRE(eventually([&] { return webhook_info(server).contains("last_error_message"); }));
  CHECK(webhook_info(server)["last_error_message"] == "Connection refused");
  CHECK(webhook_info(server)["pending_update_count"] == 1);

  SECTION("deleteWebhook hands the update to getUpdates") {
    server.call("deleteWebhook");
    auto r = server.call("getUpdates");
    REQUIRE(r.body["result"].size() == 1);
    CHECK(r.body["result"][0]["message"]["text"] == "hello");
  }
}

TEST_CASE("allowed_updates filters what is delivered", "[webhook]") {
  WebhookReceiver hook;
  TestServer server;
  const auto user = server.create_user();
  server.call("setWebhook", {{"url", hook.url()}, {"allowed_updates", {"my_chat_member"}}});
  CHECK(server.user_says(user, "ignored").body["update_id"].is_null());
  server.post("/_mock/users/" + std::to_string(user) + "/block");
  REQUIRE(eventually([&] { return hook.count() == 1; }));
  CHECK(hook.hits()[0].update.contains("my_chat_member"));
  CHECK(webhook_info(server)["allowed_updates"] == Json{"my_chat_member"});
}
