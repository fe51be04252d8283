// GET /metrics on the real reviewbot process after a whole review flow against the fake
// Bot API: the counts the flow caused show up, with duplicates counted as such.
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>

#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;

namespace {

constexpr const char* kAdmin = "admin-secret-token";

// The value of the sample `series` (name and labels exactly as exposed), if present.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

std::string scrape(const ReviewbotProcess& bot) {
  auto res = bot.client().Get("/metrics");  // no Authorization header
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  return res->body;
}

int64_t message_id_of(const FakeBotApi& api, int64_t chat, std::size_t index) {
  int64_t id = 100;  // the fake numbers messages in send order from 100
  for (auto& c : api.calls("sendMessage")) {
    if (c.params["chat_id"] == chat && index-- == 0) return id;
    ++id;
  }
  FAIL("no such message");
  return 0;
}

}  // namespace

TEST_CASE("/metrics counts the calls, inputs and duplicates of a review flow", "[e2e][metrics]") {
  FakeBotApi api;
  ReviewbotProcess bot({{"TELEGRAM_BOT_TOKEN", api.token()},
                        {"TELEGRAM_API_URL", api.url()},
                        {"ADMIN_TOKEN", kAdmin},
                        {"REVIEW_URL", "https://reviews.example/cafe"}});
  const auto now_s = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  const int64_t chat = 1001;

  // A sale, posted twice with the same id.
  auto first = bot.post_event(sale_event("evt-1", chat), kAdmin);
  REQUIRE(first);
  REQUIRE(first->status == 202);
  auto again = bot.post_event(sale_event("evt-1", chat), kAdmin);
  REQUIRE(again);
  REQUIRE(again->status == 200);
  CHECK(json::parse(again->body)["status"] == "duplicate");

  // The customer rates 5 and skips the comment; Telegram redelivers the skip.
  const auto request = api.wait_for_messages(chat, 1);
  REQUIRE(request.size() == 1);
  const std::string rate_5 =
      request[0].params["reply_markup"]["inline_keyboard"][0][4]["callback_data"];
  auto rated = bot.post_update(button_press(1, chat, message_id_of(api, chat, 0), rate_5));
  REQUIRE(rated);
  REQUIRE(rated->status == 200);
  const auto prompt = api.wait_for_messages(chat, 2);
  REQUIRE(prompt.size() == 2);
  const json skip_press =
      button_press(2, chat, message_id_of(api, chat, 1),
                   prompt[1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]);
  for (int i = 0; i < 2; ++i) {
    auto skipped = bot.post_update(skip_press);
    REQUIRE(skipped);
    REQUIRE(skipped->status == 200);
  }
  REQUIRE(api.wait_for_messages(chat, 3).size() == 3);  // the thank-you

  // Every platform call but getMe came from the dispatcher; wait until it has counted them
  // all and the outbox is empty (and the last webhook answer, counted once written).
  std::string text;
  std::size_t dispatched = 0;
  const bool settled = eventually([&] {
    text = scrape(bot);
    dispatched = api.calls().size() - api.calls("getMe").size();
    return sample(text, "reviewbot_outbox_pending_rows") == 0.0 &&
           sample(text, R"(reviewbot_platform_calls_total{result="ok"})") ==
               static_cast<double>(dispatched) &&
           sample(text, R"(reviewbot_http_requests_total{route="/webhook/telegram",code="200"})") ==
               3.0;
  });
  INFO(text);
  CHECK(settled);
  CHECK(dispatched >= 5);  // request, callback answer, edit, prompt, thank-you

  CHECK(sample(text, R"(reviewbot_inputs_total{source="event",outcome="applied"})") == 1.0);
  CHECK(sample(text, R"(reviewbot_inputs_total{source="event",outcome="duplicate"})") == 1.0);
  CHECK(sample(text, R"(reviewbot_inputs_total{source="event",outcome="unavailable"})") == 0.0);
  CHECK(sample(text, R"(reviewbot_inputs_total{source="telegram_update",outcome="applied"})") ==
        2.0);
  CHECK(sample(text, R"(reviewbot_inputs_total{source="telegram_update",outcome="duplicate"})") ==
        1.0);
  CHECK(sample(text, R"(reviewbot_platform_calls_total{result="transient"})") == 0.0);
  CHECK(sample(text, R"(reviewbot_delivery_in_doubt_total{action="resent"})") == 0.0);
  CHECK(sample(text, "reviewbot_outbox_failed_rows") == 0.0);
  CHECK(sample(text, "reviewbot_outbox_oldest_due_age_seconds") == 0.0);
  CHECK(sample(text, "reviewbot_platform_circuit_breaker_state") == 0.0);

  CHECK(sample(text, R"(reviewbot_http_requests_total{route="/v1/events",code="202"})") == 1.0);
  CHECK(sample(text, R"(reviewbot_http_requests_total{route="/v1/events",code="200"})") == 1.0);
  CHECK(sample(text, R"(reviewbot_http_requests_total{route="/webhook/telegram",code="200"})") ==
        3.0);

  CHECK(text.find("reviewbot_build_info{version=\"") != std::string::npos);
  const auto started = sample(text, "reviewbot_start_time_seconds");
  REQUIRE(started);
  CHECK(*started > now_s - 60);
  CHECK(*started <= now_s + 1);
}
