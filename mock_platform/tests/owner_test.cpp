// The simulated shop owner (--owner-name) over loopback: a fixed user id the bot may
// message, marked "owner" in GET /_mock/users, and absent with an empty name.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace mock_platform::testing;

namespace {

constexpr std::int64_t kOwner = 1000000;

mock_platform::Options owner_named(const std::string& name) {
  mock_platform::Options options;
  options.owner_name = name;
  return options;
}

}  // namespace

TEST_CASE("the owner user exists from the start with id 1000000", "[control][owner]") {
  static_assert(mock_platform::kOwnerUserId == kOwner);
  TestServer server;
  auto users = server.get("/_mock/users").body["users"];
  REQUIRE(users.size() == 1);
  CHECK(users[0]["id"] == kOwner);
  CHECK(users[0]["first_name"] == "Shop owner");
  CHECK(users[0]["language_code"] == "en");
  CHECK(users[0]["owner"] == true);
  CHECK(users[0]["started"] == true);
  CHECK(users[0]["blocked"] == false);

  // Customers still count from 1000001 and are not owners.
  const auto customer = server.create_user("Ann");
  CHECK(customer == kOwner + 1);
  users = server.get("/_mock/users").body["users"];
  REQUIRE(users.size() == 2);
  CHECK(users[1]["id"] == customer);
  CHECK(users[1]["owner"] == false);

  // The bot may write to the owner (an alert), and the owner's /start reaches the bot.
  auto alert = server.call("sendMessage", {{"chat_id", kOwner}, {"text", "Rating 1 from Ann"}});
  CHECK(alert.status == 200);
  CHECK(alert.body["result"]["chat"]["id"] == kOwner);
  auto start = server.user_says(kOwner, "/start abc_DEF-123");
  CHECK(start.status == 201);
  const auto updates = server.call("getUpdates").body["result"];
  REQUIRE(updates.size() == 1);
  const auto m = updates[0]["message"];
  CHECK(m["text"] == "/start abc_DEF-123");
  CHECK(m["from"]["id"] == kOwner);
  CHECK(m["from"]["first_name"] == "Shop owner");
  CHECK(m["chat"]["id"] == kOwner);
  CHECK_FALSE(m["from"].contains("owner"));  // a plain Telegram User object
  CHECK(m["entities"][0]["type"] == "bot_command");

  const auto t = server.transcript(kOwner);
  REQUIRE(t["messages"].size() == 2);
  CHECK(t["messages"][0]["from"] == "bot");
  CHECK(t["messages"][1]["text"] == "/start abc_DEF-123");
}

TEST_CASE("the owner-name flag names the owner user", "[control][owner]") {
  TestServer server(owner_named("Maria"));
  const auto users = server.get("/_mock/users").body["users"];
  REQUIRE(users.size() == 1);
  CHECK(users[0]["first_name"] == "Maria");
  CHECK(users[0]["owner"] == true);
}

TEST_CASE("an empty --owner-name means no owner user", "[control][owner]") {
  auto options = mock_platform::parse_options({"--owner-name", ""}, {});
  REQUIRE(options.ok());
  TestServer server(*options);
  CHECK(server.get("/_mock/users").body["users"].empty());
  CHECK(server.get("/_mock/chats/1000000").status == 404);
  CHECK(server.call("sendMessage", {{"chat_id", kOwner}, {"text", "hi"}}).status == 400);
  CHECK(server.create_user("Ann") == 1000001);
  const auto users = server.get("/_mock/users").body["users"];
  REQUIRE(users.size() == 1);
  CHECK(users[0]["owner"] == false);
}
