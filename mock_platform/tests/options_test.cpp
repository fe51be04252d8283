#include "mock_platform/options.h"

#include <catch2/catch.hpp>

using mock_platform::parse_options;

TEST_CASE("options default to port 8081 on loopback, any token", "[options]") {
  auto o = parse_options({}, {});
  REQUIRE(o.ok());
  CHECK(o->port == 8081);
  CHECK(o->host == "127.0.0.1");
  CHECK_FALSE(o->token);
  CHECK(o->bot_username == "reviewbot_demo_bot");
}

TEST_CASE("MOCK_PORT sets the port and --port overrides it", "[options]") {
  CHECK(parse_options({}, {.mock_port = "9000"})->port == 9000);
  CHECK(parse_options({"--port", "0"}, {.mock_port = "9000"})->port == 0);
  CHECK(parse_options({"--port=9100"}, {})->port == 9100);
}

TEST_CASE("flags fill every option", "[options]") {
  auto o =
      parse_options({"--token", "42:abc", "--bot-username", "shop_bot", "--host", "0.0.0.0",
                     "--threads", "8", "--webhook-timeout-ms", "500", "--backoff-initial-ms", "10",
                     "--backoff-max-ms", "100", "--fault", R"({"status":500,"count":1})"},
                    {});
  REQUIRE(o.ok());
  CHECK(*o->token == "42:abc");
  CHECK(o->bot_username == "shop_bot");
  CHECK(o->host == "0.0.0.0");
  CHECK(o->threads == 8);
  CHECK(o->delivery.timeout.count() == 500);
  CHECK(o->faults.size() == 1);
  CHECK(mock_platform::token_bot_id("42:abc") == 42);
}

TEST_CASE("bad option values name the flag or variable", "[options]") {
  CHECK(parse_options({"--port", "x"}, {}).error().description.find("--port") == 0);
  CHECK(parse_options({}, {.mock_port = "70000"}).error().description.find("MOCK_PORT") == 0);
  CHECK(parse_options({"--bogus", "1"}, {}).error().description.find("unknown flag") == 0);
  CHECK_FALSE(parse_options({"--port"}, {}).ok());
  CHECK_FALSE(parse_options({"--fault", "{"}, {}).ok());
  CHECK(parse_options({"--help"}, {})->help);
}

TEST_CASE("the till's reviewbot URL and token come from flags or the environment", "[options]") {
  auto defaults = parse_options({}, {});
  REQUIRE(defaults.ok());
  CHECK(defaults->till.reviewbot_url == "http://127.0.0.1:8080");
  CHECK(defaults->till.admin_token.empty());

  auto from_env =
      parse_options({}, {.reviewbot_url = "http://127.0.0.1:9999", .admin_token = "env-token"});
  REQUIRE(from_env.ok());
  CHECK(from_env->till.reviewbot_url == "http://127.0.0.1:9999");
  CHECK(from_env->till.admin_token == "env-token");

  auto from_flags =
      parse_options({"--reviewbot-url", "http://127.0.0.1:7000", "--reviewbot-admin-token=flag"},
                    {.reviewbot_url = "http://127.0.0.1:9999", .admin_token = "env-token"});
  REQUIRE(from_flags.ok());
  CHECK(from_flags->till.reviewbot_url == "http://127.0.0.1:7000");
  CHECK(from_flags->till.admin_token == "flag");

  CHECK(parse_options({"--reviewbot-url", "ftp://x"}, {})
            .error()
            .description.find("--reviewbot-url") == 0);
  CHECK(parse_options({}, {.reviewbot_url = "nope"}).error().description.find("REVIEWBOT_URL") ==
        0);
}

TEST_CASE("the owner-name flag names the owner user and an empty name disables it", "[options]") {
  CHECK(parse_options({}, {})->owner_name == "Shop owner");
  CHECK(parse_options({"--owner-name", "Maria"}, {})->owner_name == "Maria");
  CHECK(parse_options({"--owner-name=Café Olé"}, {})->owner_name == "Café Olé");
  auto none = parse_options({"--owner-name", ""}, {});
  REQUIRE(none.ok());
  CHECK(none->owner_name.empty());
  CHECK(parse_options({"--owner-name="}, {})->owner_name.empty());
  CHECK(parse_options({"--owner-name", std::string(65, 'x')}, {})
            .error()
            .description.find("--owner-name") == 0);
  CHECK(parse_options({"--owner-name", "\xff"}, {}).error().description.find("--owner-name") == 0);
  CHECK_FALSE(parse_options({"--owner-name"}, {}).ok());
  CHECK(mock_platform::usage().find("--owner-name") != std::string::npos);
}
