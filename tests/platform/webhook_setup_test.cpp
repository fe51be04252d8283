#include "reviewbot/platform/webhook_setup.h"

#include <catch2/catch.hpp>

#include "fakes/fake_platform_client.h"

using namespace reviewbot;

namespace {

platform::WebhookSettings shop_hook() {
  platform::WebhookSettings hook;
  hook.url = "https://shop.example/webhook/telegram";
  hook.secret_token = "s3cret";
  hook.max_connections = 12;
  hook.allowed_updates = {"message", "callback_query"};
  return hook;
}

}  // namespace

TEST_CASE("registering the webhook sets it with our settings, then reads its info back",
          "[webhook]") {
  testing::FakePlatformClient client;
  platform::WebhookInfo info;
  info.url = "https://shop.example/webhook/telegram";
  info.pending_update_count = 3;
  client.webhook_info = info;

  REQUIRE(platform::register_webhook(client, shop_hook()).ok());
  const auto set = client.webhooks_set();
  REQUIRE(set.size() == 1);
  CHECK(set[0].url == "https://shop.example/webhook/telegram");
  CHECK(set[0].secret_token == "s3cret");
  CHECK(set[0].max_connections == 12);
  CHECK(set[0].allowed_updates == std::vector<std::string>{"message", "callback_query"});
  CHECK(client.webhook_info_calls() == 1);

  SECTION("a failing getWebhookInfo does not undo a webhook that was set") {
    testing::FakePlatformClient flaky;
    flaky.webhook_info = core::Error{"getWebhookInfo: HTTP 502"};
    CHECK(platform::register_webhook(flaky, shop_hook()).ok());
  }
}

TEST_CASE("a refused setWebhook is returned and nothing more is asked", "[webhook]") {
  testing::FakePlatformClient client;
  client.webhook_answer =
      core::Error{"setWebhook: Bad Request: bad webhook: HTTPS url must be provided"};
  const auto status = platform::register_webhook(client, shop_hook());
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error().message, Catch::Contains("HTTPS url must be provided"));
  CHECK(client.webhook_info_calls() == 0);
}
