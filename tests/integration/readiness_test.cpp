// /readyz on the real reviewbot process: the platform check fails until the Bot API has
// answered getMe, and the database check is a write.
#include <catch2/catch.hpp>

#include "integration/child_process.h"
#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"

using nlohmann::json;
using namespace reviewbot::testing;

TEST_CASE("/readyz fails on the platform until getMe has answered, then passes",
          "[e2e][readiness]") {
  FakeBotApi api;
  api.set_failing("getMe", true);  // down at start: reviewbot starts anyway
  ReviewbotProcess bot({{"TELEGRAM_BOT_TOKEN", api.token()}, {"TELEGRAM_API_URL", api.url()}});
  auto ready = bot.client().Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  const json checks = json::parse(ready->body)["checks"];
  CHECK(checks["platform"] == "failing");
  CHECK(checks["database"] == "ok");
  CHECK(bot.client().Get("/healthz")->status == 200);

  api.set_failing("getMe", false);
  CHECK(eventually(
      [&] {
        auto res = bot.client().Get("/readyz");
        return res && res->status == 200;
      },
      std::chrono::seconds(15)));
}
