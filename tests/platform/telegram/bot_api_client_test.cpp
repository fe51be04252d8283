#include "reviewbot/platform/telegram/bot_api_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <thread>

#include "platform/telegram/loopback_bot_api.h"
#include "reviewbot/platform/telegram/bot_api_response.h"
#include "reviewbot/platform/telegram/update_parser.h"

using namespace reviewbot;
using platform::SendResult;
using platform::telegram::BotApiClient;
using platform::telegram::BotApiOptions;
using platform::telegram::classify_response;
using platform::telegram::classify_transport_error;
using testing::LoopbackBotApi;
using Kind = SendResult::Kind;
using nlohmann::json;

namespace {

const std::string kToken = "123456789:AAH-secret_Token42";
const std::string kTokenSecretPart = "AAH-secret_Token42";

BotApiOptions options_for(const std::string& url) {
  REQUIRE(BotApiClient::global_init().ok());
  BotApiOptions options;
  options.api_url = url;
  options.token = kToken;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.request_timeout = std::chrono::milliseconds(2000);
  return options;
}

LoopbackBotApi::Handler answer_json(int status, std::string body) {
  return [status, body](const httplib::Request&, httplib::Response& res) {
    res.status = status;
    res.set_content(body, "application/json");
  };
}

const std::string kSent = R"({"ok":true,"result":{"message_id":321,"date":1,
  "chat":{"id":-1001234567890123,"type":"supergroup"},"text":"hi"}})";

core::Keyboard rating_row() {
  std::vector<core::Button> row;
  for (int i = 1; i <= 5; ++i) {
    row.push_back({std::to_string(i), "rate:" + std::to_string(i), ""});
  }
  return {row};
}

// A loopback port that is bound but not listening: connecting to it is refused at once.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Holds a handler until the test opens it (bounded, so a failing test cannot hang).
class Gate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [this] { return open_; });
  }
  void open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;  // guards open_
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace

TEST_CASE("Bot API answers are classified for the delivery rules", "[telegram][classify]") {
  SECTION("ok with a sent message returns its id") {
    const auto r = classify_response(200, kSent);
    CHECK(r.kind == Kind::kOk);
    CHECK(r.message_id == std::optional<int64_t>(321));
    CHECK(r.http_status == 200);
  }
  SECTION("ok with a boolean result has no message id") {
    const auto r = classify_response(200, R"({"ok":true,"result":true})");
    CHECK(r.kind == Kind::kOk);
    CHECK_FALSE(r.message_id);
  }
  SECTION("429 waits retry_after seconds") {
    const auto r = classify_response(429, R"({"ok":false,"error_code":429,
      "description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
    CHECK(r.kind == Kind::kRetryAfter);
    CHECK(r.retry_after == std::chrono::seconds(7));
    CHECK(r.description == "Too Many Requests: retry after 7");
  }
  SECTION("429 without parameters still waits a little") {
    const auto r = classify_response(429, "Too Many Requests");
    CHECK(r.kind == Kind::kRetryAfter);
    CHECK(r.retry_after >= std::chrono::seconds(1));
  }
  SECTION("5xx is transient, JSON or not") {
    CHECK(
        classify_response(500, R"({"ok":false,"error_code":500,"description":"Internal"})").kind ==
        Kind::kTransient);
    CHECK(classify_response(502, "<html>Bad Gateway</html>").kind == Kind::kTransient);
  }
  SECTION("can't parse entities asks for plain text") {
    CHECK(classify_response(400, R"({"ok":false,"error_code":400,"description":
      "Bad Request: can't parse entities: Unsupported start tag \"foo\" at byte offset 3"})")
              .kind == Kind::kParseEntities);
  }
  SECTION("keyboard problems ask for a resend without the keyboard") {
    for (const char* d :
         {"Bad Request: BUTTON_DATA_INVALID", "Bad Request: reply markup is too long",
          "Bad Request: can't parse inline keyboard button: Text buttons are unallowed",
          "Bad Request: BUTTON_URL_INVALID"}) {
      json body = {{"ok", false}, {"error_code", 400}, {"description", d}};
      INFO(d);
      CHECK(classify_response(400, body.dump()).kind == Kind::kBadMarkup);
    }
  }
  SECTION("message is not modified counts as done") {
    CHECK(classify_response(400, R"({"ok":false,"error_code":400,"description":
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})")
              .kind == Kind::kOk);
  }
  SECTION("403 means the customer is unreachable") {
    CHECK(classify_response(403, R"({"ok":false,"error_code":403,
      "description":"Forbidden: bot was blocked by the user"})")
              .kind == Kind::kForbidden);
  }
  SECTION("a migrated group reports its new chat id") {
    const auto r = classify_response(400, R"({"ok":false,"error_code":400,
      "description":"Bad Request: group chat was upgraded to a supergroup chat",
      "parameters":{"migrate_to_chat_id":-1009876543210987}})");
    CHECK(r.kind == Kind::kMigrated);
    CHECK(r.migrate_to_chat_id == std::optional<int64_t>(-1009876543210987));
  }
  SECTION("other 4xx are rejected") {
    CHECK(classify_response(400, R"({"ok":false,"error_code":400,
      "description":"Bad Request: chat not found"})")
              .kind == Kind::kRejected);
    CHECK(classify_response(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})")
              .kind == Kind::kRejected);
    CHECK(
        classify_response(404, R"({"ok":false,"error_code":404,"description":"Not Found"})").kind ==
        Kind::kRejected);
    CHECK(classify_response(404, "Cannot POST /x").kind == Kind::kRejected);
  }
  SECTION("mistyped fields in an error answer do not throw") {
    CHECK(classify_response(400, R"({"ok":false,"description":5,"parameters":"x"})").kind ==
          Kind::kRejected);
    CHECK(classify_response(200, R"({"ok":false})").kind == Kind::kUnknown);
    CHECK(
        classify_response(429, R"({"ok":false,"parameters":{"retry_after":"soon"}})").retry_after >=
        std::chrono::seconds(1));
  }
  SECTION("a 2xx that is not a Bot API answer may or may not have worked") {
    CHECK(classify_response(200, "<html>captive portal</html>").kind == Kind::kUnknown);
    CHECK(classify_response(200, "").kind == Kind::kUnknown);
  }
}

TEST_CASE("network failures are transient before sending and unknown after",
          "[telegram][classify]") {
  CHECK(classify_transport_error(CURLE_COULDNT_CONNECT, false, "").kind == Kind::kTransient);
  CHECK(classify_transport_error(CURLE_COULDNT_RESOLVE_HOST, false, "").kind == Kind::kTransient);
  CHECK(classify_transport_error(CURLE_OPERATION_TIMEDOUT, false, "").kind == Kind::kTransient);
  CHECK(classify_transport_error(CURLE_OPERATION_TIMEDOUT, true, "").kind == Kind::kUnknown);
  CHECK(classify_transport_error(CURLE_RECV_ERROR, true, "").kind == Kind::kUnknown);
  CHECK(classify_transport_error(CURLE_GOT_NOTHING, true, "").kind == Kind::kUnknown);
  const auto r = classify_transport_error(CURLE_GOT_NOTHING, true, "Empty reply from server");
  CHECK(r.http_status == 0);
  CHECK_THAT(r.description, Catch::Contains("Empty reply from server"));
}

TEST_CASE("outgoing messages become Bot API calls with the right JSON", "[telegram][client]") {
  LoopbackBotApi api(answer_json(200, kSent));
  BotApiClient client(options_for(api.url()));

  SECTION("a request is an HTML sendMessage with one row of five rating buttons") {
    core::SendText m{-1001234567890123, "How was <b>your latte</b>?", true, rating_row(),
                     std::string("AbCdEf-123")};
    const auto r = client.send(m);
    CHECK(r.kind == Kind::kOk);
    CHECK(r.message_id == std::optional<int64_t>(321));

    const auto requests = api.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].path == "/bot" + kToken + "/sendMessage");
    const json p = json::parse(requests[0].body);
    CHECK(p["chat_id"] == -1001234567890123);
    CHECK(p["text"] == "How was <b>your latte</b>?");
    CHECK(p["parse_mode"] == "HTML");
    CHECK(p["business_connection_id"] == "AbCdEf-123");
    const json& rows = p["reply_markup"]["inline_keyboard"];
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].size() == 5);
    for (int i = 0; i < 5; ++i) {
      CHECK(rows[0][i] == json{{"text", std::to_string(i + 1)},
                               {"callback_data", "rate:" + std::to_string(i + 1)}});
    }
  }
  SECTION("plain text without a keyboard has no parse mode and no markup") {
    core::SendText m{42, "a < b", false, {}, std::nullopt};
    CHECK(client.send(m).kind == Kind::kOk);
    const json p = json::parse(api.requests().at(0).body);
    CHECK_FALSE(p.contains("parse_mode"));
    CHECK_FALSE(p.contains("reply_markup"));
    CHECK_FALSE(p.contains("business_connection_id"));
  }
  SECTION("a URL button carries its url and no callback data") {
    core::SendText m{42, "Thanks!", true, {{{"Leave a review", "", "https://g.page/r/x"}}}, {}};
    CHECK(client.send(m).kind == Kind::kOk);
    const json p = json::parse(api.requests().at(0).body);
    CHECK(p["reply_markup"]["inline_keyboard"][0][0] ==
          json{{"text", "Leave a review"}, {"url", "https://g.page/r/x"}});
  }
  SECTION("an edit replaces the text and drops the keyboard") {
    core::EditText m{7012345678, 4243, "You rated ★★★★☆", true, std::string("bc")};
    CHECK(client.send(m).kind == Kind::kOk);
    const auto request = api.requests().at(0);
    CHECK(request.path == "/bot" + kToken + "/editMessageText");
    const json p = json::parse(request.body);
    CHECK(p["message_id"] == 4243);
    CHECK(p["parse_mode"] == "HTML");
    CHECK(p["business_connection_id"] == "bc");
    CHECK(p["reply_markup"] == json{{"inline_keyboard", json::array()}});
  }
  SECTION("removing a keyboard edits only the reply markup") {
    CHECK(client.send(core::RemoveKeyboard{7012345678, 4243, std::nullopt}).kind == Kind::kOk);
    const auto request = api.requests().at(0);
    CHECK(request.path == "/bot" + kToken + "/editMessageReplyMarkup");
    const json p = json::parse(request.body);
    CHECK(p["reply_markup"] == json{{"inline_keyboard", json::array()}});
    CHECK_FALSE(p.contains("text"));
  }
  SECTION("a callback answer names the query") {
    CHECK(client.send(core::AnswerCallback{"4382bfdwdsb323b2d9", "Thanks!"}).kind == Kind::kOk);
    const auto request = api.requests().at(0);
    CHECK(request.path == "/bot" + kToken + "/answerCallbackQuery");
    CHECK(json::parse(request.body) ==
          json{{"callback_query_id", "4382bfdwdsb323b2d9"}, {"text", "Thanks!"}});
  }
  SECTION("consecutive calls reuse one connection") {
    CHECK(client.send(core::AnswerCallback{"a", ""}).kind == Kind::kOk);
    CHECK(client.send(core::AnswerCallback{"b", ""}).kind == Kind::kOk);
    const auto requests = api.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].remote_port == requests[1].remote_port);
  }
}

TEST_CASE("send failures are classified from real HTTP answers", "[telegram][client]") {
  SECTION("429 carries retry_after") {
    LoopbackBotApi api(answer_json(429, R"({"ok":false,"error_code":429,
      "description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})"));
    BotApiClient client(options_for(api.url()));
    const auto r = client.send(core::SendText{1, "hi", true, {}, {}});
    CHECK(r.kind == Kind::kRetryAfter);
    CHECK(r.retry_after == std::chrono::seconds(3));
    CHECK(r.http_status == 429);
  }
  SECTION("500 is transient") {
    LoopbackBotApi api(answer_json(500, R"({"ok":false,"error_code":500,
      "description":"Internal Server Error"})"));
    BotApiClient client(options_for(api.url()));
    CHECK(client.send(core::SendText{1, "hi", true, {}, {}}).kind == Kind::kTransient);
  }
  SECTION("a refused connection is transient and has no HTTP status") {
    RefusingPort closed;
    BotApiClient client(options_for(closed.url()));
    const auto r = client.send(core::SendText{1, "hi", true, {}, {}});
    CHECK(r.kind == Kind::kTransient);
    CHECK(r.http_status == 0);
    CHECK_FALSE(r.description.empty());
    CHECK_THAT(r.description, !Catch::Contains(kTokenSecretPart));
  }
  SECTION("a timeout after the request was sent is unknown") {
    Gate gate;
    LoopbackBotApi api([&gate](const httplib::Request&, httplib::Response& res) {
      gate.wait();
      res.set_content(kSent, "application/json");
    });
    auto options = options_for(api.url());
    options.request_timeout = std::chrono::milliseconds(300);
    BotApiClient client(options);
    const auto r = client.send(core::SendText{1, "hi", true, {}, {}});
    gate.open();
    CHECK(r.kind == Kind::kUnknown);
    CHECK(r.http_status == 0);
    CHECK_THAT(r.description, !Catch::Contains(kTokenSecretPart));
    CHECK(api.requests().size() == 1);
  }
  SECTION("cancel() from another thread ends a hanging send as unknown, and later calls at once") {
    Gate gate;
    LoopbackBotApi api([&gate](const httplib::Request&, httplib::Response& res) {
      gate.wait();
      res.set_content(kSent, "application/json");
    });
    auto options = options_for(api.url());
    options.request_timeout = std::chrono::seconds(60);
    BotApiClient client(options);
    std::thread canceller([&] {
      while (api.requests().empty()) std::this_thread::yield();  // the request went out
      client.cancel();
    });
    const auto r = client.send(core::SendText{1, "hi", true, {}, {}});
    canceller.join();
    CHECK(r.kind == Kind::kUnknown);
    const auto later = client.send(core::SendText{1, "again", true, {}, {}});
    gate.open();
    CHECK(later.kind == Kind::kTransient);
    CHECK(api.requests().size() == 1);
  }
  SECTION("a foreign error page that echoes the URL never leaks the token") {
    LoopbackBotApi api([](const httplib::Request& req, httplib::Response& res) {
      res.status = 404;
      res.set_content("Cannot POST " + req.path, "text/plain");
    });
    BotApiClient client(options_for(api.url()));
    const auto r = client.send(core::SendText{1, "hi", true, {}, {}});
    CHECK(r.kind == Kind::kRejected);
    CHECK_THAT(r.description, Catch::Contains("Cannot POST"));
    CHECK_THAT(r.description, !Catch::Contains(kTokenSecretPart));
  }
}

TEST_CASE("getUpdates returns each update's raw JSON and id", "[telegram][client]") {
  SECTION("updates parse back into events") {
    LoopbackBotApi api(answer_json(200, R"({"ok":true,"result":[
      {"update_id":912345678,"message":{"message_id":1,"date":1,"text":"thanks!",
        "from":{"id":7012345678,"first_name":"Ann"},"chat":{"id":7012345678,"type":"private"}}},
      {"update_id":912345679,"poll":{"id":"p"}}]})"));
    BotApiClient client(options_for(api.url()));
    const auto updates = client.get_updates(912345678, 0, {"message", "callback_query"});
    REQUIRE(updates.ok());
    REQUIRE(updates->size() == 2);
    CHECK((*updates)[0].update_id == 912345678);
    CHECK((*updates)[1].update_id == 912345679);
    const auto parsed = platform::telegram::parse_update((*updates)[0].json);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->event);
    CHECK(std::get<core::MessageReceived>(*parsed->event).chat_id == 7012345678);

    const auto request = api.requests().at(0);
    CHECK(request.path == "/bot" + kToken + "/getUpdates");
    const json p = json::parse(request.body);
    CHECK(p["offset"] == 912345678);
    CHECK(p["timeout"] == 0);
    CHECK(p["allowed_updates"] == json{"message", "callback_query"});
  }
  SECTION("a 409 conflict explains that another poller or a webhook is active") {
    LoopbackBotApi api(answer_json(409, R"({"ok":false,"error_code":409,
      "description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})"));
    BotApiClient client(options_for(api.url()));
    const auto updates = client.get_updates(0, 0, {});
    REQUIRE_FALSE(updates.ok());
    CHECK_THAT(updates.error().message, Catch::Contains("another getUpdates"));
    CHECK_THAT(updates.error().message, Catch::Contains("webhook is active"));
    CHECK_FALSE(json::parse(api.requests().at(0).body).contains("allowed_updates"));
  }
}

TEST_CASE("setup calls report the platform's answer without the token", "[telegram][client]") {
  SECTION("getMe reads the bot's id and username") {
    LoopbackBotApi api(answer_json(200, R"({"ok":true,"result":{"id":7777777777,
      "is_bot":true,"first_name":"Reviews","username":"shop_reviews_bot"}})"));
    BotApiClient client(options_for(api.url()));
    const auto me = client.get_me();
    REQUIRE(me.ok());
    CHECK(me->id == 7777777777);
    CHECK(me->username == "shop_reviews_bot");
  }
  SECTION("a wrong token is an error that names the method but not the token") {
    LoopbackBotApi api(answer_json(401, R"({"ok":false,"error_code":401,
      "description":"Unauthorized"})"));
    BotApiClient client(options_for(api.url()));
    const auto me = client.get_me();
    REQUIRE_FALSE(me.ok());
    CHECK_THAT(me.error().message, Catch::Contains("getMe") && Catch::Contains("Unauthorized"));
    CHECK_THAT(me.error().message, !Catch::Contains(kTokenSecretPart));
  }
  SECTION("an unreachable API is an error without the token") {
    RefusingPort closed;
    BotApiClient client(options_for(closed.url()));
    const auto status = client.delete_webhook();
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.error().message, !Catch::Contains(kTokenSecretPart));
  }
  SECTION("setWebhook sends the url, secret and allowed updates") {
    LoopbackBotApi api(answer_json(200, R"({"ok":true,"result":true,
      "description":"Webhook was set"})"));
    BotApiClient client(options_for(api.url()));
    platform::WebhookSettings settings;
    settings.url = "https://shop.example/webhook/telegram";
    settings.secret_token = "s3cr3t";
    settings.max_connections = 100;
    settings.allowed_updates = platform::telegram::handled_update_types();
    settings.drop_pending_updates = true;
    REQUIRE(client.set_webhook(settings).ok());
    const auto request = api.requests().at(0);
    CHECK(request.path == "/bot" + kToken + "/setWebhook");
    const json p = json::parse(request.body);
    CHECK(p["url"] == settings.url);
    CHECK(p["secret_token"] == "s3cr3t");
    CHECK(p["max_connections"] == 100);
    CHECK(p["drop_pending_updates"] == true);
    CHECK(p["allowed_updates"].size() == 7);
  }
  SECTION("getWebhookInfo reports the url, backlog and last delivery error") {
    LoopbackBotApi api(answer_json(200, R"({"ok":true,"result":{
      "url":"https://shop.example/webhook/telegram","has_custom_certificate":false,
      "pending_update_count":12,"max_connections":40,"allowed_updates":["message"],
      "last_error_date":1763800000,"last_error_message":"Wrong response from the webhook: 503"}})"));
    BotApiClient client(options_for(api.url()));
    const auto info = client.get_webhook_info();
    REQUIRE(info.ok());
    CHECK(api.requests().at(0).path == "/bot" + kToken + "/getWebhookInfo");
    CHECK(info->url == "https://shop.example/webhook/telegram");
    CHECK(info->pending_update_count == 12);
    CHECK(info->max_connections == 40);
    CHECK(info->allowed_updates == std::vector<std::string>{"message"});
    CHECK(info->last_error_date == std::optional<int64_t>(1763800000));
    CHECK(info->last_error_message == "Wrong response from the webhook: 503");
  }
}
