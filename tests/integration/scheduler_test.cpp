// Messages due later, end to end: the real reviewbot process with short REQUEST_DELAY,
// REMINDER_AFTER, CONVERSATION_TTL and QUIET_HOURS, a fake Bot API, and the wall clock.
// Each due message must go out no earlier than due and at most a second after it, survive
// a restart, and be cancelled by refunds, answers and opt-outs.
#include <catch2/catch.hpp>
#include <ctime>
#include <thread>

#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr const char* kAdmin = "admin-secret-token";
constexpr int64_t kAnn = 1001;
// How late a due message may go out.
constexpr milliseconds kPunctuality{1000};

std::map<std::string, std::string> env_for(const FakeBotApi& api,
                                           std::map<std::string, std::string> extra) {
  std::map<std::string, std::string> env = {{"TELEGRAM_BOT_TOKEN", api.token()},
                                            {"TELEGRAM_API_URL", api.url()},
                                            {"ADMIN_TOKEN", kAdmin},
                                            {"COOLDOWN", "0"}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

json post_event(ReviewbotProcess& bot, const json& event) {
  auto res = bot.post_event(event, kAdmin);
  REQUIRE(res);
  INFO(res->status << " " << res->body);
  REQUIRE(res->status / 100 == 2);
  return json::parse(res->body);
}

json refund_event(const std::string& id, const std::string& transaction_id) {
  return {{"id", id},
          {"type", "transaction.refunded"},
          {"customer", {{"telegram_chat_id", kAnn}}},
          {"transaction", {{"id", transaction_id}}}};
}

bool is_reminder(const ApiCall& call) {
  return call.params.value("text", "").find("gentle reminder") != std::string::npos;
}

// When the nth sendMessage to Ann arrived (observed by the fake API as it happens).
Clock::time_point arrival_of(FakeBotApi& api, std::size_t n,
                             milliseconds timeout = milliseconds(10000)) {
  const auto msgs = api.wait_for_messages(kAnn, n, timeout);
  REQUIRE(msgs.size() >= n);
  return Clock::now();
}

// Asserts nothing more reaches Ann than `count` messages for `wait`.
void no_more_messages(FakeBotApi& api, std::size_t count, milliseconds wait) {
  const bool more = api.wait_for(
      [&](const std::vector<ApiCall>& calls) {
        std::size_t to_ann = 0;
        for (const auto& c : calls) {
          to_ann += c.method == "sendMessage" && c.params.value("chat_id", int64_t{0}) == kAnn;
        }
        return to_ann > count;
      },
      wait);
  INFO("messages to Ann: " << api.messages_to(kAnn).size());
  CHECK_FALSE(more);
}

// A callback press on the request's button with `rating`.
json press_rating(int64_t update_id, const ApiCall& request, int rating) {
  const json& row = request.params["reply_markup"]["inline_keyboard"][0];
  return button_press(update_id, kAnn, 100, row[rating - 1]["callback_data"].get<std::string>());
}

}  // namespace

TEST_CASE("a delayed request goes out within a second of its due time, not before",
          "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"REQUEST_DELAY", "2s"}, {"REMINDER_AFTER", "0"}}));
  const auto posted = Clock::now();
  CHECK(post_event(bot, sale_event("evt-1", kAnn))["status"] == "scheduled");
  const auto acked = Clock::now();
  const auto arrived = arrival_of(api, 1);
  CHECK(arrived >= posted + seconds(2));
  CHECK(arrived <= acked + seconds(2) + kPunctuality);
}

TEST_CASE("an unanswered request gets exactly one reminder, REMINDER_AFTER after it was sent",
          "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"REMINDER_AFTER", "2s"}}));
  post_event(bot, sale_event("evt-1", kAnn));
  const auto reminded = arrival_of(api, 2);
  const auto msgs = api.messages_to(kAnn);
  CHECK_FALSE(is_reminder(msgs[0]));
  CHECK(is_reminder(msgs[1]));
  // The request is reported sent after the fake has taken it, and the reminder is due
  // REMINDER_AFTER from that report.
  CHECK(msgs[1].at >= msgs[0].at + seconds(2));
  CHECK(reminded <= msgs[0].at + seconds(2) + kPunctuality);
  no_more_messages(api, 2, milliseconds(3000));
}

TEST_CASE("answers, refunds and opt-outs cancel what is still scheduled", "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"REMINDER_AFTER", "2s"}, {"REQUEST_DELAY", "0s"}}));

  SECTION("a rating before the reminder is due cancels the reminder") {
    post_event(bot, sale_event("evt-1", kAnn));
    const auto request = api.wait_for_messages(kAnn, 1).at(0);
    const auto res = bot.post_update(press_rating(1, request, 5));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    api.wait_for_messages(kAnn, 2);  // the comment prompt
    no_more_messages(api, 2, milliseconds(3500));
    for (const auto& m : api.messages_to(kAnn)) CHECK_FALSE(is_reminder(m));
  }
  SECTION("an opt-out cancels the reminder") {
    post_event(bot, sale_event("evt-1", kAnn));
    api.wait_for_messages(kAnn, 1);
    const auto res = bot.post_update(text_message(1, kAnn, "/stop"));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const auto msgs = api.wait_for_messages(kAnn, 2);  // the opt-out confirmation
    REQUIRE(msgs.size() == 2);
    CHECK_FALSE(is_reminder(msgs[1]));
    no_more_messages(api, 2, milliseconds(3500));
  }
}

TEST_CASE("a refund before the delayed request is due cancels it", "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"REQUEST_DELAY", "2s"}}));
  post_event(bot, sale_event("evt-1", kAnn, "Ann", "T-9"));
  CHECK(post_event(bot, refund_event("evt-2", "T-9"))["status"] == "cancelled");
  no_more_messages(api, 0, milliseconds(3500));
}

TEST_CASE("a request due while reviewbot was down goes out once, right after it restarts",
          "[e2e][scheduler]") {
  FakeBotApi api;
  TempDir data;
  const auto env = env_for(api, {{"REQUEST_DELAY", "2s"}, {"REMINDER_AFTER", "0"}});
  const auto posted = Clock::now();
  {
    ReviewbotProcess first(env, data.path());
    post_event(first, sale_event("evt-1", kAnn));
    SECTION("after a clean stop") { CHECK(first.stop() == 0); }
    SECTION("after a crash") { first.kill(); }
  }
  std::this_thread::sleep_for(posted + milliseconds(2500) - Clock::now());  // down past due
  CHECK(api.messages_to(kAnn).empty());
  ReviewbotProcess second(env, data.path());
  const auto listening = Clock::now();
  const auto arrived = arrival_of(api, 1);
  CHECK(arrived <= listening + kPunctuality);
  no_more_messages(api, 1, milliseconds(1500));
}

TEST_CASE("after CONVERSATION_TTL an unanswered request no longer blocks a new one",
          "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"CONVERSATION_TTL", "2s"}, {"REMINDER_AFTER", "0"}}));
  const auto posted = Clock::now();
  post_event(bot, sale_event("evt-1", kAnn, "Ann", "T-1"));
  const auto acked = Clock::now();
  api.wait_for_messages(kAnn, 1);

  // While the request is open a second sale is skipped; once it expires one is scheduled.
  int n = 1;
  json answer;
  Clock::time_point scheduled_at;
  do {
    std::this_thread::sleep_for(milliseconds(50));  // poll interval
    ++n;
    answer = post_event(
        bot, sale_event("evt-" + std::to_string(n), kAnn, "Ann", "T-" + std::to_string(n)));
    scheduled_at = Clock::now();
    if (answer["status"] == "skipped") CHECK(answer["reason"] == "conversation_open");
  } while (answer["status"] != "scheduled" && Clock::now() < acked + seconds(10));
  CHECK(answer["status"] == "scheduled");
  CHECK(scheduled_at >= posted + seconds(2));
  CHECK(scheduled_at <= acked + seconds(2) + kPunctuality);
}

TEST_CASE("a tap on a request older than CONVERSATION_TTL is declined as closed",
          "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"CONVERSATION_TTL", "2s"}, {"REMINDER_AFTER", "0"}}));
  const auto acked = [&] {
    post_event(bot, sale_event("evt-1", kAnn));
    return Clock::now();
  }();
  const auto request = api.wait_for_messages(kAnn, 1).at(0);
  std::this_thread::sleep_for(acked + milliseconds(2500) - Clock::now());  // let it expire

  const auto res = bot.post_update(press_rating(1000, request, 4));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  REQUIRE(api.wait_for([](const std::vector<ApiCall>& calls) {
    for (const auto& c : calls) {
      if (c.method == "answerCallbackQuery") return true;
    }
    return false;
  }));
  CHECK_THAT(api.calls("answerCallbackQuery").at(0).params.value("text", ""),
             Catch::Contains("closed"));
  no_more_messages(api, 1, milliseconds(1000));  // no comment prompt
}

TEST_CASE("a request made during quiet hours goes out when they end", "[e2e][scheduler]") {
  // Quiet hours that started a minute ago and end at the next minute boundary (UTC), with
  // at least 5 s to go so the request is surely made inside them.
  std::time_t now = std::time(nullptr);
  if (now % 60 > 55) now += 60;
  const std::time_t end = now - now % 60 + 60;
  const auto hhmm = [](std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[6];
    std::snprintf(buf, sizeof buf, "%02d:%02d", tm.tm_hour, tm.tm_min);
    return std::string(buf);
  };
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"QUIET_HOURS", hhmm(end - 120) + "-" + hhmm(end)},
                                     {"TIMEZONE", "UTC"},
                                     {"REMINDER_AFTER", "0"}}));
  const json answer = post_event(bot, sale_event("evt-1", kAnn));
  CHECK(answer["status"] == "scheduled");
  // The answer says when: the end of the quiet window.
  std::tm end_tm{};
  gmtime_r(&end, &end_tm);
  char end_text[24];
  std::strftime(end_text, sizeof end_text, "%Y-%m-%dT%H:%M:%SZ", &end_tm);
  CHECK(answer["send_at"] == end_text);
  const auto wait = milliseconds((end - std::time(nullptr) + 5) * 1000);
  api.wait_for_messages(kAnn, 1, wait);
  // system_clock, not std::time: glibc's time() reads the coarse clock, which can still
  // show the last second a few milliseconds into the next one.
  const auto arrived = std::chrono::system_clock::now();
  REQUIRE(api.messages_to(kAnn).size() == 1);
  const auto window_end = std::chrono::system_clock::from_time_t(end);
  CHECK(arrived >= window_end);
  CHECK(arrived <= window_end + seconds(2));
}

TEST_CASE("a request Telegram refused for good closes: no reminder, and no cooldown",
          "[e2e][scheduler]") {
  FakeBotApi api;
  ReviewbotProcess bot(env_for(api, {{"REMINDER_AFTER", "2s"}, {"COOLDOWN", "30d"}}));
  api.refuse_chat(kAnn);
  CHECK(post_event(bot, sale_event("evt-1", kAnn))["status"] == "scheduled");
  api.wait_for_messages(kAnn, 1);  // answered 400 "message is too long"

  // Once the refusal is recorded the customer may be asked again at once: the refused
  // request neither stays open nor starts the 30-day cooldown.
  json answer;
  const auto deadline = Clock::now() + seconds(10);
  int n = 2;
  do {
    answer = post_event(bot, sale_event("evt-" + std::to_string(n++), kAnn));
  } while (answer["status"] != "scheduled" && Clock::now() < deadline);
  CHECK(answer["status"] == "scheduled");
  // Past both reminders' due time: nothing but the second request itself is sent, and no
  // reminder for a question never seen.
  no_more_messages(api, api.messages_to(kAnn).size() + 1, milliseconds(3500));
  for (const auto& m : api.messages_to(kAnn)) CHECK_FALSE(is_reminder(m));
}
