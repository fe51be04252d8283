// Deep links outlive the bot token: they are signed with LINK_SECRET or, without it, with
// a secret the database keeps from the first start. Real reviewbot processes restarted on
// one SQLite database with another token or a LINK_SECRET.
#include <catch2/catch.hpp>

#include "integration/deployment.h"

using nlohmann::json;
using namespace reviewbot::testing;

namespace {

std::string mint_link(ReviewbotProcess& bot, const std::string& external_id) {
  auto res = bot.client().Post("/v1/links", {{"Authorization", std::string("Bearer ") + kAdmin}},
                               json{{"external_id", external_id}}.dump(), "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return json::parse(res->body)["start_parameter"].get<std::string>();
}

// What a sale for `external_id` answers once `chat` has sent /start <parameter>.
std::string sale_after_start(ReviewbotProcess& bot, const std::string& parameter, int64_t chat,
                             const std::string& external_id) {
  auto started = bot.post_update(text_message(chat, chat, "/start " + parameter));
  REQUIRE(started);
  REQUIRE(started->status == 200);
  json event = sale_event("evt-" + std::to_string(chat), 0);
  event["customer"].erase("telegram_chat_id");
  event["customer"]["external_id"] = external_id;
  auto res = bot.post_event(event, kAdmin);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 202);
  return json::parse(res->body)["status"].get<std::string>();
}

// Whether a review request (the message with the rating buttons) reached `chat`.
bool asked_for_rating(FakeBotApi& api, int64_t chat) {
  return eventually([&] {
    for (const auto& m : api.messages_to(chat)) {
      if (m.params.contains("reply_markup")) return true;
    }
    return false;
  });
}

}  // namespace

TEST_CASE("deep links printed before the bot token changed still link customers", "[e2e][links]") {
  TempDir data;
  std::string printed;
  {
    FakeBotApi old_api("111111:first-token");
    ReviewbotProcess bot(Deployment::with_defaults(old_api, {}), data.path());
    printed = mint_link(bot, "C-77");
  }
  FakeBotApi api("222222:rotated-token");
  ReviewbotProcess bot(Deployment::with_defaults(api, {}), data.path());
  // The same id still signs to the same parameter, and the printed one links its chat.
  CHECK(mint_link(bot, "C-77") == printed);
  CHECK(sale_after_start(bot, printed, 6101, "C-77") == "scheduled");
  CHECK(asked_for_rating(api, 6101));
}

TEST_CASE("LINK_SECRET signs deep links in place of the kept secret", "[e2e][links]") {
  TempDir data;
  FakeBotApi api;
  std::string kept;
  {
    ReviewbotProcess bot(Deployment::with_defaults(api, {}), data.path());
    kept = mint_link(bot, "C-88");
  }
  ReviewbotProcess bot(
      Deployment::with_defaults(api, {{"LINK_SECRET", "a-link-secret-of-32-characters!!"}}),
      data.path());
  const std::string signed_now = mint_link(bot, "C-88");
  CHECK(signed_now != kept);
  // A parameter the secret did not sign binds nothing; the one it signed links the chat,
  // and the sale that waited is asked about there.
  CHECK(sale_after_start(bot, kept, 6201, "C-88") == "pending_link");
  auto started = bot.post_update(text_message(6202, 6202, "/start " + signed_now));
  REQUIRE(started);
  REQUIRE(started->status == 200);
  CHECK(asked_for_rating(api, 6202));
  for (const auto& m : api.messages_to(6201)) CHECK_FALSE(m.params.contains("reply_markup"));
}
