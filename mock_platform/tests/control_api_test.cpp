// The /_mock control API over loopback: simulated customers, business chats, transcripts
// and stats.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace mock_platform::testing;

namespace {

std::string user_path(std::int64_t user, const std::string& action) {
  return "/_mock/users/" + std::to_string(user) + "/" + action;
}

Json only_update(TestServer& server) {
  auto r = server.call("getUpdates");
  REQUIRE(r.body["result"].size() == 1);
  const auto update = r.body["result"][0];
  server.call("getUpdates", {{"offset", update["update_id"].get<std::int64_t>() + 1}});
  return update;
}

Json rating_request(TestServer& server, std::int64_t user) {
  Json row = Json::array();
  for (int i = 1; i <= 5; ++i) {
    row.push_back({{"text", std::string(i, '*')}, {"callback_data", "rate:" + std::to_string(i)}});
  }
  return server
      .call("sendMessage", {{"chat_id", user},
                            {"text", "How was it?"},
                            {"reply_markup", {{"inline_keyboard", {row}}}}})
      .body["result"];
}

}  // namespace

TEST_CASE("creating a user opens their chat with the bot", "[control]") {
  TestServer server;
  auto r = server.post("/_mock/users", {{"name", "Ann"}, {"language_code", "de"}});
  CHECK(r.status == 201);
  const auto user = r.body["user_id"].get<std::int64_t>();
  const auto t = server.transcript(user);
  CHECK(t["messages"].empty());
  CHECK(t["user"]["language_code"] == "de");
  CHECK(server.call("sendMessage", {{"chat_id", user}, {"text", "hi"}}).status == 200);
  CHECK(server.call("getUpdates").body["result"].empty());  // no update for creating a user
  const auto users = server.get("/_mock/users").body["users"];
  REQUIRE(users.size() == 2);  // the shop owner (--owner-name) and Ann
  CHECK(users[1]["id"] == user);
  CHECK(users[1]["owner"] == false);
  CHECK(server.post("/_mock/users", {{"language_code", "en"}}).status == 400);
}

TEST_CASE("a user's message becomes a message update", "[control]") {
  TestServer server;
  const auto user = server.create_user("Ann");
  auto r = server.user_says(user, "/start C-77");
  CHECK(r.status == 201);
  CHECK(r.body["message_id"] == 1);
  const auto update = only_update(server);
  CHECK(update["update_id"] == r.body["update_id"]);
  const auto m = update["message"];
  CHECK(m["text"] == "/start C-77");
  CHECK(m["from"]["id"] == user);
  CHECK(m["from"]["first_name"] == "Ann");
  CHECK(m["from"]["language_code"] == "en");
  CHECK(m["chat"]["type"] == "private");
  CHECK(m["entities"][0]["type"] == "bot_command");
  CHECK(m["entities"][0]["length"] == 6);
  CHECK(server.transcript(user)["messages"][0]["from"] == "user");

  CHECK(server.user_says(999, "hi").status == 404);
  CHECK(server.user_says(user, "").status == 400);
}

TEST_CASE("pressing a button queues a callback query for it", "[control]") {
  TestServer server;
  const auto user = server.create_user();
  const auto request = rating_request(server, user);
  const auto message_id = request["message_id"];

  SECTION("by callback_data") {
    auto r = server.post(user_path(user, "press"),
                         {{"message_id", message_id}, {"callback_data", "rate:5"}});
    CHECK(r.status == 201);
    const auto q = only_update(server)["callback_query"];
    CHECK(q["id"] == r.body["callback_query_id"]);
    CHECK(q["data"] == "rate:5");
    CHECK(q["from"]["id"] == user);
    CHECK(q["message"]["message_id"] == message_id);
    CHECK(q["message"]["reply_markup"]["inline_keyboard"][0].size() == 5);
  }
  SECTION("by button text") {
    auto r =
        server.post(user_path(user, "press"), {{"message_id", message_id}, {"button_text", "**"}});
    CHECK(r.status == 201);
    CHECK(only_update(server)["callback_query"]["data"] == "rate:2");
  }
  SECTION("a button the message does not have is a 400") {
    CHECK(
        server.post(user_path(user, "press"), {{"message_id", message_id}, {"callback_data", "x"}})
            .status == 400);
  }
  SECTION("an unknown message is a 404") {
    CHECK(server.post(user_path(user, "press"), {{"message_id", 99}, {"callback_data", "rate:1"}})
              .status == 404);
  }
  SECTION("a keyboard removed by an edit can no longer be pressed") {
    server.call("editMessageReplyMarkup", {{"chat_id", user}, {"message_id", message_id}});
    CHECK(server
              .post(user_path(user, "press"),
                    {{"message_id", message_id}, {"callback_data", "rate:5"}})
              .status == 400);
  }
}

TEST_CASE("blocking and unblocking send my_chat_member updates", "[control]") {
  TestServer server;
  const auto user = server.create_user();
  auto r = server.post(user_path(user, "block"));
  CHECK(r.status == 200);
  auto member = only_update(server)["my_chat_member"];
  CHECK(member["old_chat_member"]["status"] == "member");
  CHECK(member["new_chat_member"]["status"] == "kicked");
  CHECK(member["new_chat_member"]["user"]["is_bot"] == true);
  CHECK(server.call("sendMessage", {{"chat_id", user}, {"text", "hi"}}).status == 403);
  CHECK(server.user_says(user, "hi").status == 409);
  CHECK(server.post(user_path(user, "block")).body["update_id"].is_null());  // no change

  server.post(user_path(user, "unblock"));
  member = only_update(server)["my_chat_member"];
  CHECK(member["new_chat_member"]["status"] == "member");
  CHECK(server.call("sendMessage", {{"chat_id", user}, {"text", "hi"}}).status == 200);
}

TEST_CASE("business connections carry the owner's chats to the bot", "[control][business]") {
  TestServer server;
  const auto owner = server.create_user("Owner");
  const auto customer = server.create_user("Customer");
  auto c = server.post("/_mock/business/connections", {{"owner_user_id", owner}});
  REQUIRE(c.status == 201);
  const auto connection = c.body["connection_id"].get<std::string>();
  const auto bc = only_update(server)["business_connection"];
  CHECK(bc["id"] == connection);
  CHECK(bc["user"]["id"] == owner);
  CHECK(bc["is_enabled"] == true);

  auto m = server.post("/_mock/business/" + connection + "/messages",
                       {{"from_user_id", customer}, {"chat_id", customer}, {"text", "thanks!"}});
  CHECK(m.status == 201);
  const auto bm = only_update(server)["business_message"];
  CHECK(bm["business_connection_id"] == connection);
  CHECK(bm["from"]["id"] == customer);
  CHECK(bm["text"] == "thanks!");

  auto reply = server.call("sendMessage", {{"chat_id", customer},
                                           {"text", "Glad you liked it"},
                                           {"business_connection_id", connection}});
  CHECK(reply.status == 200);
  CHECK(reply.body["result"]["business_connection_id"] == connection);
  const auto t = server.transcript(customer);
  CHECK(t["messages"].back()["business_connection_id"] == connection);

  SECTION("a stranger cannot write in the chat") {
    const auto other = server.create_user("Other");
    CHECK(server
              .post("/_mock/business/" + connection + "/messages",
                    {{"from_user_id", other}, {"chat_id", customer}, {"text", "x"}})
              .status == 400);
  }
  SECTION("a disabled connection cannot be used") {
    CHECK(server.del("/_mock/business/connections/" + connection).status == 200);
    CHECK(only_update(server)["business_connection"]["is_enabled"] == false);
    auto r = server.call(
        "sendMessage",
        {{"chat_id", customer}, {"text", "again"}, {"business_connection_id", connection}});
    CHECK(r.status == 400);
    CHECK(r.body["description"] == "Bad Request: BUSINESS_CONNECTION_INVALID");
  }
}

TEST_CASE("a user who never started the bot is reachable only through business", "[control]") {
  TestServer server;
  auto r = server.post("/_mock/users", {{"name", "Walk-in"}, {"started", false}});
  const auto user = r.body["user_id"];
  auto send = server.call("sendMessage", {{"chat_id", user}, {"text", "hi"}});
  CHECK(send.status == 403);
  CHECK(send.body["description"] == "Forbidden: bot can't initiate conversation with a user");
}

TEST_CASE("stats count calls per method and result, and duplicate sends", "[control][stats]") {
  TestServer server;
  const auto user = server.create_user();
  const Json hello = {{"chat_id", user}, {"text", "How was it?"}};
  server.call("sendMessage", hello);
  server.call("sendMessage", hello);  // a duplicate: nothing from the customer in between
  server.call("sendMessage", {{"chat_id", 1}, {"text", "x"}});
  server.user_says(user, "fine");
  server.call("sendMessage", hello);  // not a duplicate: the customer spoke

  const auto stats = server.get("/_mock/stats").body;
  CHECK(stats["calls"]["sendMessage"]["200"] == 3);
  CHECK(stats["calls"]["sendMessage"]["400"] == 1);
  CHECK(stats["duplicate_sends"] == 1);
  CHECK(stats["updates_delivered"] == 0);
}

TEST_CASE("a transcript of an unknown chat is a 404", "[control]") {
  TestServer server;
  CHECK(server.get("/_mock/chats/12345").status == 404);
  CHECK(server.post("/_mock/users", Json::array()).status == 400);
}
