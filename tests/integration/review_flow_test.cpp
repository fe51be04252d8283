// End-to-end review flow: the real reviewbot process on loopback, a fake Bot API, and
// HTTP requests as Telegram and the till would send them.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "integration/deployment.h"

using nlohmann::json;
using namespace reviewbot::testing;

TEST_CASE("a sale leads to a rated, commented review visible in the admin API", "[e2e]") {
  Deployment d;
  const int64_t chat = 1001;
  auto answer = d.post_event(sale_event("evt-1", chat), 202);
  CHECK(answer["status"] == "scheduled");

  const ApiCall request = d.wait_for_request(chat);
  CHECK(request.params["parse_mode"] == "HTML");
  const json row = rating_row(request);
  REQUIRE(row.size() == 5);
  for (int i = 0; i < 5; ++i)
    CHECK(row[i]["text"].get<std::string>().find(std::to_string(i + 1)) != std::string::npos);

  d.send_update(
      button_press(5001, chat, message_id_of(d.api, chat, 0), callback_for_rating(request, 5)));
  CHECK(d.api.wait_for([](auto& calls) {
    for (auto& c : calls) {
      if (c.method == "answerCallbackQuery") return true;
    }
    return false;
  }));
  CHECK(d.api.wait_for([](auto& calls) {
    for (auto& c : calls) {
      if (c.method == "editMessageText" || c.method == "editMessageReplyMarkup") return true;
    }
    return false;
  }));
  const auto after_rating = d.api.wait_for_messages(chat, 2);
  REQUIRE(after_rating.size() == 2);
  CHECK(after_rating[1].params.contains("reply_markup"));  // the Skip button

  // Once the prompt's delivery is recorded, a typed comment takes its Skip button away.
  const int64_t prompt_id = message_id_of(d.api, chat, 1);
  REQUIRE(eventually([&] {
    SQLite::Database db(d.bot.database_path(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT COUNT(*) FROM conversations WHERE prompt_message_id = " +
                         std::to_string(prompt_id))
               .getInt() == 1;
  }));
  d.send_update(text_message(5002, chat, "Lovely latte, friendly staff"));
  const auto after_comment = d.api.wait_for_messages(chat, 3);
  REQUIRE(after_comment.size() == 3);
  CHECK(after_comment[2].params.dump().find(kReviewUrl) != std::string::npos);
  CHECK(d.api.wait_for([&](const std::vector<ApiCall>& calls) {
    for (const auto& c : calls) {
      if (c.method == "editMessageReplyMarkup" && c.params.value("message_id", 0) == prompt_id) {
        return true;
      }
    }
    return false;
  }));

  json reviews;
  REQUIRE(eventually([&] {
    reviews = d.get_json("/v1/reviews");
    return reviews["reviews"].size() == 1 && reviews["reviews"][0]["comment"].is_string();
  }));
  const json& r = reviews["reviews"][0];
  CHECK(r["rating"] == 5);
  CHECK(r["comment"] == "Lovely latte, friendly staff");
  CHECK(r["customer"]["telegram_chat_id"] == chat);
  CHECK(r["trigger"] == "transaction.completed");
  CHECK(r["transaction_id"] == "T-1");

  const json stats = d.get_json("/v1/stats");
  CHECK(stats["requests_sent"] == 1);
  CHECK(stats["responses"] == 1);
  CHECK(stats["average_rating"] == 5.0);
  CHECK(stats["distribution"]["5"] == 1);
  CHECK(stats["distribution"]["1"] == 0);
}

TEST_CASE("a thank-you note starts the flow and a 'no thanks' does not", "[e2e]") {
  Deployment d;
  d.send_update(text_message(1, 2001, "no thanks"));
  d.send_update(text_message(2, 2002, "Thank you so much!"));
  const ApiCall request = d.wait_for_request(2002);
  CHECK(rating_row(request).size() == 5);
  // Outbox rows go out oldest first, so a request for 2001 would have been sent already.
  CHECK(d.api.messages_to(2001).empty());
}

TEST_CASE("a redelivered update or event changes nothing", "[e2e][dedup]") {
  Deployment d;
  SECTION("the same event id twice sends one request") {
    CHECK(d.post_event(sale_event("evt-dup", 3001), 202)["status"] == "scheduled");
    CHECK(d.post_event(sale_event("evt-dup", 3001), 200)["status"] == "duplicate");
    d.wait_for_request(3001);
    d.send_update(text_message(10, 3002, "thanks!"));  // a later marker
    d.wait_for_request(3002);
    CHECK(d.api.messages_to(3001).size() == 1);
  }
  SECTION("the same update_id twice starts one flow") {
    d.send_update(text_message(20, 3003, "thank you"));
    d.send_update(text_message(20, 3003, "thank you"));
    d.wait_for_request(3003);
    d.send_update(text_message(21, 3004, "thanks!"));
    d.wait_for_request(3004);
    CHECK(d.api.messages_to(3003).size() == 1);
  }
}

TEST_CASE("a customer who sent /stop is skipped and can opt back in with /start", "[e2e][policy]") {
  Deployment d;
  d.send_update(text_message(1, 4001, "/stop"));
  REQUIRE(d.api.wait_for_messages(4001, 1).size() == 1);  // the confirmation
  auto answer = d.post_event(sale_event("evt-stop", 4001), 202);
  CHECK(answer["status"] == "skipped");
  CHECK(answer["reason"] == "opted_out");

  d.send_update(text_message(2, 4001, "/start"));
  REQUIRE(d.api.wait_for_messages(4001, 2).size() == 2);  // welcome back
  CHECK(d.post_event(sale_event("evt-back", 4001), 202)["status"] == "scheduled");
}

TEST_CASE("a second sale within the cooldown is skipped", "[e2e][policy]") {
  Deployment d;
  CHECK(d.post_event(sale_event("evt-c1", 5001), 202)["status"] == "scheduled");
  answer_request(d, 5001, 4, "", 100);
  auto answer = d.post_event(sale_event("evt-c2", 5001, "Ann", "T-2"), 202);
  CHECK(answer["status"] == "skipped");
  CHECK(answer["reason"] == "cooldown");
}

TEST_CASE("an event for an unlinked customer waits until they open the deep link", "[e2e][links]") {
  Deployment d;
  auto res = d.bot.client().Post("/v1/links", {{"Authorization", std::string("Bearer ") + kAdmin}},
                                 R"({"external_id":"C-77"})", "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const json link = json::parse(res->body);
  const std::string param = link["start_parameter"];
  CHECK(link["url"] == "https://t.me/test_review_bot?start=" + param);

  json event = sale_event("evt-link", 0);
  event["customer"].erase("telegram_chat_id");
  event["customer"]["external_id"] = "C-77";
  CHECK(d.post_event(event, 202)["status"] == "pending_link");

  d.send_update(text_message(1, 6001, "/start " + param));
  const ApiCall request = d.wait_for_request(6001);
  CHECK(rating_row(request).size() == 5);

  // Someone else opening the same link (a receipt passed on) takes nothing over: the
  // customer keeps their chat, name and open request, and rates it as usual.
  d.send_update(text_message(2, 6002, "/start " + param, "Mallory"));
  d.send_update(text_message(3, 6002, "1", "Mallory"));
  d.send_update(
      button_press(4, 6001, message_id_of(d.api, 6001, 0), callback_for_rating(request, 5)));
  REQUIRE(d.api.wait_for_messages(6001, 2).size() == 2);
  const auto reviews = d.get_json("/v1/reviews");
  REQUIRE(reviews["reviews"].size() == 1);
  CHECK(reviews["reviews"][0]["rating"] == 5);
  CHECK(reviews["reviews"][0]["customer"]["telegram_chat_id"] == 6001);
  CHECK(reviews["reviews"][0]["customer"]["external_id"] == "C-77");
  // Mallory is greeted as anyone new is (the welcome), never asked about Carol's sale.
  for (const auto& m : d.api.messages_to(6002)) CHECK_FALSE(m.params.contains("reply_markup"));
  CHECK(d.api.messages_to(6002).size() <= 1);
}

TEST_CASE("a low rating alerts the owner and the customer still gets the review link",
          "[e2e][alerts]") {
  Deployment d;
  d.post_event(sale_event("evt-low", 7001, "Ann"), 202);
  answer_request(d, 7001, 1, "Cold coffee", 100);
  const auto to_customer = d.api.messages_to(7001);
  CHECK(to_customer.back().params.dump().find(kReviewUrl) != std::string::npos);

  const auto alerts = d.api.wait_for_messages(kOwnerChat, 1);
  REQUIRE(alerts.size() == 1);
  const std::string alert = alerts[0].params["text"];
  CHECK(alert.find("Cold coffee") != std::string::npos);
  CHECK(alert.find("Ann") != std::string::npos);
}

TEST_CASE("owner alerts follow an owner group that Telegram migrated to a supergroup",
          "[e2e][alerts][migration]") {
  constexpr int64_t kSupergroup = -1001234567890;
  Deployment d;
  d.api.migrate_chat(kOwnerChat, kSupergroup);
  d.post_event(sale_event("evt-low-1", 7101, "Ann"), 202);
  answer_request(d, 7101, 1, "Cold coffee", 100);
  const auto first = d.api.wait_for_messages(kSupergroup, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].params["text"].get<std::string>().find("Cold coffee") != std::string::npos);

  // A later alert is written for the migrated chat's new id and goes there directly.
  d.post_event(sale_event("evt-low-2", 7102, "Bob"), 202);
  answer_request(d, 7102, 2, "Slow service", 200);
  const auto both = d.api.wait_for_messages(kSupergroup, 2);
  REQUIRE(both.size() == 2);
  CHECK(both[1].params["text"].get<std::string>().find("Slow service") != std::string::npos);
  CHECK(d.api.messages_to(kOwnerChat).size() == 1);
  CHECK(d.bot.log().find("OWNER_CHAT_ID=" + std::to_string(kSupergroup)) != std::string::npos);
}

TEST_CASE("Business chats get replies through the connection, never for the owner's own words",
          "[e2e][business]") {
  Deployment d;
  const int64_t owner = 8000;
  d.send_update(business_connection(1, "bc-1", owner));
  d.send_update(business_message(2, "bc-1", 8002, owner, "Thanks for coming!"));  // owner speaks
  d.send_update(business_message(3, "bc-1", 8001, 8001, "thank you!"));           // customer
  const ApiCall request = d.wait_for_request(8001);
  CHECK(request.params["business_connection_id"] == "bc-1");
  CHECK(d.api.messages_to(8002).empty());
}

TEST_CASE("a customer who blocked the bot is skipped", "[e2e][policy]") {
  Deployment d;
  d.send_update(member_status(1, 9001, "kicked"));
  auto answer = d.post_event(sale_event("evt-kicked", 9001), 202);
  CHECK(answer["status"] == "skipped");
  CHECK(answer["reason"] == "unreachable");
}

TEST_CASE("bad input gets a clear error and stores nothing", "[e2e][errors]") {
  Deployment d(std::map<std::string, std::string>{{"TELEGRAM_WEBHOOK_SECRET", "hook-secret"}});
  auto client = d.bot.client();
  const httplib::Headers secret = {{"X-Telegram-Bot-Api-Secret-Token", "hook-secret"}};

  SECTION("malformed JSON is 400") {
    auto res = client.Post("/webhook/telegram", secret, "{not json", "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  SECTION("a wrong or missing webhook secret is 401") {
    auto res = d.bot.post_update(text_message(1, 1, "thanks"), "wrong");
    REQUIRE(res);
    CHECK(res->status == 401);
    res = d.bot.post_update(text_message(1, 1, "thanks"));
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  SECTION("an oversized body is 413") {
    std::string big(2 * 1024 * 1024, ' ');
    auto res = client.Post("/webhook/telegram", secret, big, "application/json");
    REQUIRE(res);
    CHECK(res->status == 413);
  }
  SECTION("a wrong bearer token is 401") {
    auto res = d.bot.post_event(sale_event("evt-x", 1), "not-the-token");
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  SECTION("a missing or mistyped event field is 400 naming the field") {
    json event = sale_event("evt-bad", 1);
    event["customer"]["telegram_chat_id"] = "not a number";
    json answer = d.post_event(event, 400);
    CHECK(answer["field"] == "customer.telegram_chat_id");
    event = sale_event("evt-bad", 1);
    event.erase("type");
    answer = d.post_event(event, 400);
    CHECK(answer["field"] == "type");
    // Nothing was stored: the same id is still new.
    CHECK(d.post_event(sale_event("evt-bad", 1), 202)["status"] == "scheduled");
  }
}

TEST_CASE("customer text reaches Telegram escaped and comments are stored verbatim",
          "[e2e][escaping]") {
  Deployment d;
  d.post_event(sale_event("evt-esc", 10001, "<b>Ann & \"Co\"</b>"), 202);
  const ApiCall request = d.wait_for_request(10001);
  const std::string text = request.params["text"];
  CHECK(text.find("<b>Ann") == std::string::npos);
  CHECK(text.find("&lt;b&gt;Ann &amp; &quot;Co&quot;&lt;/b&gt;") != std::string::npos);

  const std::string comment = "'); DROP TABLE reviews;-- <i>&</i>";
  answer_request(d, 10001, 3, comment, 300);
  json reviews;
  REQUIRE(eventually([&] {
    reviews = d.get_json("/v1/reviews");
    return reviews["reviews"].size() == 1 && reviews["reviews"][0]["comment"].is_string();
  }));
  CHECK(reviews["reviews"][0]["comment"] == comment);
}

TEST_CASE("a sale from weeks ago is skipped as stale, one dated days ahead is refused",
          "[e2e][validation]") {
  Deployment d;
  json old = sale_event("evt-old", 8101);
  old["occurred_at"] = utc_rfc3339(-std::chrono::hours(24 * 30));
  const json answer = d.post_event(old, 202);
  CHECK(answer["status"] == "skipped");
  CHECK(answer["reason"] == "stale");

  json ahead = sale_event("evt-ahead", 8102);
  ahead["occurred_at"] = utc_rfc3339(std::chrono::hours(48));
  CHECK(d.post_event(ahead, 400)["field"] == "occurred_at");
  // Neither was asked about; a sale of now still is.
  CHECK(d.post_event(sale_event("evt-now", 8101), 202)["status"] == "scheduled");
  CHECK(d.wait_for_request(8101).params["chat_id"] == 8101);
  CHECK(d.api.messages_to(8102).empty());
}
