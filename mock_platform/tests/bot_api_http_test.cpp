// Bot API behaviour over HTTP on loopback: shapes, parameters and each validation error.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace mock_platform::testing;

namespace {

Json rating_keyboard() {
  Json row = Json::array();
  for (int i = 1; i <= 5; ++i) {
    row.push_back({{"text", std::to_string(i)}, {"callback_data", "rate:" + std::to_string(i)}});
  }
  return {{"inline_keyboard", {row}}};
}

void check_bad_request(const Reply& r, const std::string& description) {
  CHECK(r.status == 400);
  CHECK(r.body["ok"] == false);
  CHECK(r.body["error_code"] == 400);
  CHECK(r.body["description"] == description);
}

}  // namespace

TEST_CASE("getMe answers the bot's identity in Telegram's envelope", "[bot_api]") {
  TestServer server;
  auto r = server.call("getMe");
  CHECK(r.status == 200);
  CHECK(r.body["ok"] == true);
  CHECK(r.body["result"]["is_bot"] == true);
  CHECK(r.body["result"]["username"] == "reviewbot_demo_bot");
}

TEST_CASE("parameters arrive as JSON, form fields or query string", "[bot_api]") {
  TestServer server;
  const auto user = server.create_user();
  const auto id = std::to_string(user);
  SECTION("form-urlencoded with a JSON-encoded reply_markup") {
    auto res = server.client().Post(
        "/bot1:x/sendMessage",
        httplib::Params{
            {"chat_id", id}, {"text", "hi"}, {"reply_markup", rating_keyboard().dump()}});
    auto r = to_reply(res);
    CHECK(r.status == 200);
    CHECK(r.body["result"]["reply_markup"]["inline_keyboard"][0].size() == 5);
  }
  SECTION("query string on GET") {
    auto r = server.get("/bot1:x/sendMessage?chat_id=" + id + "&text=hello");
    CHECK(r.status == 200);
    CHECK(r.body["result"]["text"] == "hello");
  }
  SECTION("method names ignore case") {
    CHECK(server.call("SENDMESSAGE", {{"chat_id", user}, {"text", "x"}}).status == 200);
  }
}

TEST_CASE("sendMessage returns the message and records it in the transcript", "[bot_api]") {
  TestServer server;
  const auto user = server.create_user();
  auto r = server.call("sendMessage", {{"chat_id", user},
                                       {"text", "<b>How was it?</b> &amp; more"},
                                       {"parse_mode", "HTML"},
                                       {"reply_markup", rating_keyboard()}});
  REQUIRE(r.status == 200);
  CHECK(r.body["result"]["text"] == "How was it? & more");
  CHECK(r.body["result"]["chat"]["id"] == user);
  const auto t = server.transcript(user);
  REQUIRE(t["messages"].size() == 1);
  CHECK(t["messages"][0]["from"] == "bot");
  CHECK(t["messages"][0]["text"] == "<b>How was it?</b> &amp; more");
  CHECK(t["messages"][0]["parse_mode"] == "HTML");
  CHECK(t["messages"][0]["inline_keyboard"][0][4]["callback_data"] == "rate:5");
}

TEST_CASE("sendMessage validates like Telegram", "[bot_api]") {
  TestServer server;
  const auto user = server.create_user();
  const auto send = [&](Json extra) {
    Json p = {{"chat_id", user}, {"text", "hello"}};
    if (!extra.is_null()) p.update(extra);
    return server.call("sendMessage", p);
  };
  SECTION("empty text") {
    check_bad_request(send({{"text", ""}}), "Bad Request: message text is empty");
  }
  SECTION("text over 4096 characters") {
    CHECK(send({{"text", std::string(4096, 'a')}}).status == 200);
    check_bad_request(send({{"text", std::string(4097, 'a')}}), "Bad Request: message is too long");
  }
  SECTION("length counts UTF-16 units, so an emoji counts twice") {
    std::string text;
    for (int i = 0; i < 2049; ++i) text += "\xf0\x9f\x99\x8f";
    check_bad_request(send({{"text", text}}), "Bad Request: message is too long");
  }
  SECTION("the limit applies after entity parsing") {
    CHECK(
        send({{"text", "<b>" + std::string(4096, 'a') + "</b>"}, {"parse_mode", "HTML"}}).status ==
        200);
  }
  SECTION("a bare < in HTML") {
    check_bad_request(send({{"text", "1 < 2"}, {"parse_mode", "HTML"}}),
                      "Bad Request: can't parse entities: Unsupported start tag \"\" at byte "
                      "offset 2");
  }
  SECTION("a bare & in HTML") {
    auto r = send({{"text", "Tom & Jerry"}, {"parse_mode", "HTML"}});
    CHECK(r.status == 400);
    CHECK(r.body["description"].get<std::string>().rfind("Bad Request: can't parse entities:", 0) ==
          0);
  }
  SECTION("an unknown tag") {
    CHECK(send({{"text", "<div>x</div>"}, {"parse_mode", "HTML"}}).status == 400);
  }
  SECTION("an unclosed tag") {
    check_bad_request(send({{"text", "<b>x"}, {"parse_mode", "HTML"}}),
                      "Bad Request: can't parse entities: Can't find end tag corresponding to "
                      "start tag \"b\"");
  }
  SECTION("the same text without parse_mode is fine") {
    CHECK(send({{"text", "1 < 2 & <div>"}}).status == 200);
  }
  SECTION("an unknown parse_mode") {
    check_bad_request(send({{"parse_mode", "BBCode"}}), "Bad Request: unsupported parse_mode");
  }
  SECTION("callback_data longer than 64 bytes") {
    Json kb = {{"inline_keyboard", {{{{"text", "x"}, {"callback_data", std::string(65, 'x')}}}}}};
    check_bad_request(send({{"reply_markup", kb}}), "Bad Request: BUTTON_DATA_INVALID");
  }
  SECTION("an unknown chat") {
    check_bad_request(send({{"chat_id", 999}}), "Bad Request: chat not found");
  }
  SECTION("a username instead of a chat id") {
    check_bad_request(send({{"chat_id", "@someone"}}), "Bad Request: chat not found");
  }
  SECTION("a user who blocked the bot") {
    server.post("/_mock/users/" + std::to_string(user) + "/block");
    auto r = send({});
    CHECK(r.status == 403);
    CHECK(r.body["error_code"] == 403);
    CHECK(r.body["description"] == "Forbidden: bot was blocked by the user");
  }
  SECTION("an unknown business connection") {
    check_bad_request(send({{"business_connection_id", "nope"}}),
                      "Bad Request: BUSINESS_CONNECTION_INVALID");
  }
}

TEST_CASE("editing a message changes it unless nothing would change", "[bot_api]") {
  TestServer server;
  const auto user = server.create_user();
  auto sent = server.call(
      "sendMessage", {{"chat_id", user}, {"text", "Rate us"}, {"reply_markup", rating_keyboard()}});
  const auto message_id = sent.body["result"]["message_id"];

  SECTION("editMessageText without reply_markup drops the keyboard") {
    auto r = server.call("editMessageText",
                         {{"chat_id", user}, {"message_id", message_id}, {"text", "Rated 5"}});
    CHECK(r.status == 200);
    CHECK_FALSE(r.body["result"].contains("reply_markup"));
    const auto t = server.transcript(user);
    CHECK(t["messages"][0]["edited"] == true);
    CHECK(t["messages"][0]["text_edited"] == true);
    CHECK(t["messages"][0]["inline_keyboard"].empty());
  }
  SECTION("editMessageReplyMarkup changes the keyboard, not the text") {
    auto r = server.call("editMessageReplyMarkup", {{"chat_id", user}, {"message_id", message_id}});
    CHECK(r.status == 200);
    const auto t = server.transcript(user);
    CHECK(t["messages"][0]["edited"] == true);
    CHECK(t["messages"][0]["text_edited"] == false);
    CHECK(t["messages"][0]["inline_keyboard"].empty());
  }
  SECTION("an identical edit is 'message is not modified'") {
    auto r = server.call("editMessageText", {{"chat_id", user},
                                             {"message_id", message_id},
                                             {"text", "Rate us"},
                                             {"reply_markup", rating_keyboard()}});
    check_bad_request(r,
                      "Bad Request: message is not modified: specified new message content and "
                      "reply markup are exactly the same as a current content and reply markup "
                      "of the message");
  }
  SECTION("editMessageReplyMarkup removes the keyboard once, then is not modified") {
    Json p = {{"chat_id", user}, {"message_id", message_id}};
    CHECK(server.call("editMessageReplyMarkup", p).status == 200);
    CHECK(server.call("editMessageReplyMarkup", p).status == 400);
  }
  SECTION("a missing message") {
    check_bad_request(
        server.call("editMessageText", {{"chat_id", user}, {"message_id", 999}, {"text", "x"}}),
        "Bad Request: message to edit not found");
  }
  SECTION("the customer's own message cannot be edited") {
    const auto mid = server.user_says(user, "hi").body["message_id"];
    check_bad_request(
        server.call("editMessageText", {{"chat_id", user}, {"message_id", mid}, {"text", "x"}}),
        "Bad Request: message can't be edited");
  }
}

TEST_CASE("answerCallbackQuery accepts each query once", "[bot_api]") {
  TestServer server;
  const auto user = server.create_user();
  auto sent = server.call(
      "sendMessage", {{"chat_id", user}, {"text", "Rate us"}, {"reply_markup", rating_keyboard()}});
  auto pressed =
      server.post("/_mock/users/" + std::to_string(user) + "/press",
                  {{"message_id", sent.body["result"]["message_id"]}, {"callback_data", "rate:4"}});
  const auto query_id = pressed.body["callback_query_id"].get<std::string>();
  const std::string too_old =
      "Bad Request: query is too old and response timeout expired or query ID is invalid";

  auto r =
      server.call("answerCallbackQuery", {{"callback_query_id", query_id}, {"text", "Thanks!"}});
  CHECK(r.status == 200);
  CHECK(r.body["result"] == true);
  check_bad_request(server.call("answerCallbackQuery", {{"callback_query_id", query_id}}), too_old);
  check_bad_request(server.call("answerCallbackQuery", {{"callback_query_id", "123"}}), too_old);
  const auto answers = server.transcript(user)["callback_answers"];
  REQUIRE(answers.size() == 1);
  CHECK(answers[0]["data"] == "rate:4");
  CHECK(answers[0]["text"] == "Thanks!");
}

TEST_CASE("a wrong token is 401 when --token is given", "[bot_api]") {
  mock_platform::Options options;
  options.token = "42:secret";
  TestServer server(options);
  auto r = server.call("getMe", {}, "42:wrong");
  CHECK(r.status == 401);
  CHECK(r.body["description"] == "Unauthorized");
  auto ok = server.call("getMe", {}, "42:secret");
  CHECK(ok.status == 200);
  CHECK(ok.body["result"]["id"] == 42);
}

TEST_CASE("an unknown method is 404 Not Found", "[bot_api]") {
  TestServer server;
  auto r = server.call("sendPhoto");
  CHECK(r.status == 404);
  CHECK(r.body["ok"] == false);
  CHECK(r.body["description"] == "Not Found");
}

TEST_CASE("a malformed JSON body is a 400", "[bot_api]") {
  TestServer server;
  auto r = to_reply(server.client().Post("/bot1:x/sendMessage", "{", "application/json"));
  CHECK(r.status == 400);
}

TEST_CASE("getUpdates delivers queued updates and offset confirms them", "[bot_api][updates]") {
  TestServer server;
  const auto user = server.create_user();
  const auto first = server.user_says(user, "hello").body["update_id"].get<std::int64_t>();
  server.user_says(user, "thanks!");

  auto r = server.call("getUpdates");
  REQUIRE(r.body["result"].size() == 2);
  CHECK(r.body["result"][0]["update_id"] == first);
  CHECK(r.body["result"][0]["message"]["text"] == "hello");
  CHECK(r.body["result"][1]["update_id"] == first + 1);

  r = server.call("getUpdates", {{"offset", first + 1}});
  REQUIRE(r.body["result"].size() == 1);
  CHECK(r.body["result"][0]["message"]["text"] == "thanks!");

  r = server.call("getUpdates", {{"offset", first + 2}, {"timeout", 0}});
  CHECK(r.body["result"].empty());
}

TEST_CASE("getUpdates long-polls until an update arrives", "[bot_api][updates]") {
  TestServer server;
  const auto user = server.create_user();
  std::thread poller_thread;
  Reply polled;
  poller_thread = std::thread([&] {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(20, 0);
    polled = to_reply(c.Post("/bot1:x/getUpdates", R"({"timeout":10})", "application/json"));
  });
  const auto start = std::chrono::steady_clock::now();
  server.user_says(user, "late hello");
  poller_thread.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  REQUIRE(polled.body["result"].size() == 1);
  CHECK(polled.body["result"][0]["message"]["text"] == "late hello");
}

TEST_CASE("getUpdates is refused while a webhook is set", "[bot_api][updates]") {
  TestServer server;
  CHECK(server.call("setWebhook", {{"url", "http://127.0.0.1:1/hook"}}).status == 200);
  auto r = server.call("getUpdates");
  CHECK(r.status == 409);
  CHECK(r.body["description"].get<std::string>().rfind("Conflict:", 0) == 0);
  CHECK(server.call("deleteWebhook").status == 200);
  CHECK(server.call("getUpdates").status == 200);
}

TEST_CASE("setWebhook validates its parameters", "[bot_api][webhook]") {
  TestServer server;
  CHECK(server.call("setWebhook", {{"url", "ftp://x"}}).status == 400);
  CHECK(server.call("setWebhook", {{"url", "http://127.0.0.1:1/h"}, {"secret_token", "bad token!"}})
            .status == 400);
  auto info = server.call("getWebhookInfo");
  CHECK(info.body["result"]["url"] == "");
}
