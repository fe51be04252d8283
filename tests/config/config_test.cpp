#include "reviewbot/config/config.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

using namespace reviewbot;
using namespace std::chrono;

namespace {

// An environment and a command line for load().
struct Setup {
  std::map<std::string, std::string> env;
  std::vector<std::string> args;

  core::Result<config::Config> load() const {
    std::vector<const char*> argv{"reviewbot"};
    for (const auto& a : args) argv.push_back(a.c_str());
    return config::load(static_cast<int>(argv.size()), argv.data(), [this](const char* name) {
      const auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    });
  }
};

const std::vector<std::string> kVariables = {"PORT",
                                             "DATABASE_URL",
                                             "TELEGRAM_BOT_TOKEN",
                                             "TELEGRAM_API_URL",
                                             "TELEGRAM_API_TIMEOUT",
                                             "TELEGRAM_WEBHOOK_SECRET",
                                             "PUBLIC_URL",
                                             "UPDATES_MODE",
                                             "ADMIN_TOKEN",
                                             "EVENTS_SECRET",
                                             "LINK_SECRET",
                                             "TEMPLATES_DIR",
                                             "BUSINESS_NAME",
                                             "REVIEW_URL",
                                             "OWNER_CHAT_ID",
                                             "REQUEST_DELAY",
                                             "COOLDOWN",
                                             "REMINDER_AFTER",
                                             "CONVERSATION_TTL",
                                             "QUIET_HOURS",
                                             "TIMEZONE",
                                             "SEND_RATE",
                                             "CHAT_SEND_INTERVAL",
                                             "WEBHOOK_MAX_CONNECTIONS",
                                             "DATABASE_POOL_SIZE",
                                             "BUSINESS_ID",
                                             "INSTANCE_ID",
                                             "LOG_FORMAT",
                                             "LOG_LEVEL"};

}  // namespace

TEST_CASE("an empty environment gives the documented defaults", "[config]") {
  auto c = Setup{}.load();
  REQUIRE(c);
  CHECK(c->port == 8080);
  CHECK(c->host == "0.0.0.0");
  CHECK(c->database_url == "sqlite://reviewbot.db");
  CHECK(c->sqlite_path() == "reviewbot.db");
  CHECK(c->database.kind == config::DatabaseTarget::Kind::kSqlite);
  CHECK(c->database.sqlite_path == "reviewbot.db");
  CHECK(c->database.redacted == "sqlite://reviewbot.db");
  CHECK(c->telegram_bot_token.empty());
  CHECK(c->telegram_api_url == "https://api.telegram.org");
  CHECK(c->telegram_webhook_secret.empty());
  CHECK(c->public_url.empty());
  CHECK(c->updates_mode == config::Config::UpdatesMode::kWebhook);
  CHECK(c->admin_token.empty());
  CHECK(c->events_secret.empty());
  CHECK(c->templates_dir == "./templates");
  CHECK(c->business_name.empty());
  CHECK(c->review_url.empty());
  CHECK_FALSE(c->owner_chat_id);
  CHECK(c->policy.request_delay == core::Duration{0});
  CHECK(c->policy.cooldown == hours{24 * 30});
  CHECK(c->policy.reminder_after == hours{24});
  REQUIRE(c->policy.quiet_hours);
  CHECK(c->policy.quiet_hours->start_minute == 21 * 60);
  CHECK(c->policy.quiet_hours->end_minute == 9 * 60);
  CHECK(c->policy.time_zone.name() == "UTC");
  CHECK(c->log_format == "json");
  CHECK(c->log_level == "info");
  CHECK(c->policy.conversation_ttl == hours{24 * 7});
  CHECK(c->send_rate == 30);
  CHECK(c->telegram_api_timeout == seconds{15});
  CHECK(c->chat_send_interval == seconds{1});
  CHECK(c->webhook_max_connections == 40);
}

TEST_CASE("every variable is read from the environment", "[config]") {
  Setup s;
  s.env = {{"PORT", "9000"},
           {"HOST", "127.0.0.1"},
           {"DATABASE_URL", "sqlite:///var/lib/reviewbot/data.db"},
           {"TELEGRAM_BOT_TOKEN", "123456:ABC-def"},
           {"TELEGRAM_API_URL", "http://127.0.0.1:8081/"},
           {"TELEGRAM_WEBHOOK_SECRET", "s3cret_-X"},
           {"PUBLIC_URL", "https://reviews.example.com/"},
           {"UPDATES_MODE", "polling"},
           {"ADMIN_TOKEN", "admin-token"},
           {"EVENTS_SECRET", "events-secret"},
           {"LINK_SECRET", "0123456789abcdef-links"},
           {"TEMPLATES_DIR", "/srv/templates"},
           {"BUSINESS_NAME", "Ann's Café"},
           {"REVIEW_URL", "https://g.page/r/abc/review/"},
           {"OWNER_CHAT_ID", "-1001234567890123"},
           {"REQUEST_DELAY", "90s"},
           {"COOLDOWN", "7d"},
           {"REMINDER_AFTER", "0"},
           {"CONVERSATION_TTL", "2d"},
           {"QUIET_HOURS", "22:30-07:00"},
           {"TIMEZONE", "Europe/Berlin"},
           {"SEND_RATE", "20"},
           {"TELEGRAM_API_TIMEOUT", "3s"},
           {"CHAT_SEND_INTERVAL", "0"},
           {"WEBHOOK_MAX_CONNECTIONS", "100"},
           {"INSTANCE_ID", "shop-eu.2"},
           {"DATABASE_POOL_SIZE", "3"},
           {"BUSINESS_ID", "cafe-berlin"},
           {"LOG_FORMAT", "text"},
           {"LOG_LEVEL", "debug"}};
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->port == 9000);
  CHECK(c->host == "127.0.0.1");
  CHECK(c->sqlite_path() == "/var/lib/reviewbot/data.db");
  CHECK(c->database.sqlite_path == "/var/lib/reviewbot/data.db");
  CHECK(c->telegram_bot_token == "123456:ABC-def");
  CHECK(c->telegram_api_url == "http://127.0.0.1:8081");
  CHECK(c->telegram_webhook_secret == "s3cret_-X");
  CHECK(c->public_url == "https://reviews.example.com");
  CHECK(c->updates_mode == config::Config::UpdatesMode::kPolling);
  CHECK(c->admin_token == "admin-token");
  CHECK(c->events_secret == "events-secret");
  CHECK(c->link_secret == "0123456789abcdef-links");
  CHECK(c->templates_dir == "/srv/templates");
  CHECK(c->business_name == "Ann's Café");
  CHECK(c->review_url == "https://g.page/r/abc/review/");
  CHECK(c->owner_chat_id == std::optional<int64_t>(-1001234567890123));
  CHECK(c->policy.request_delay == seconds{90});
  CHECK(c->policy.cooldown == hours{24 * 7});
  CHECK(c->policy.reminder_after == core::Duration{0});
  CHECK(c->policy.conversation_ttl == hours{48});
  CHECK(c->send_rate == 20);
  CHECK(c->telegram_api_timeout == seconds{3});
  CHECK(c->chat_send_interval == core::Duration{0});
  CHECK(c->webhook_max_connections == 100);
  CHECK(c->instance_id == "shop-eu.2");
  CHECK(c->database_pool_size == 3);
  CHECK(c->business_id == "cafe-berlin");
  REQUIRE(c->policy.quiet_hours);
  CHECK(c->policy.quiet_hours->start_minute == 22 * 60 + 30);
  CHECK(c->policy.time_zone.name() == "Europe/Berlin");
  CHECK(c->log_format == "text");
  CHECK(c->log_level == "debug");
}

TEST_CASE("empty variables count as unset, but an empty QUIET_HOURS disables them", "[config]") {
  Setup s;
  s.env = {{"PORT", ""}, {"TIMEZONE", ""}, {"OWNER_CHAT_ID", ""}, {"QUIET_HOURS", ""}};
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->port == 8080);
  CHECK(c->policy.time_zone.name() == "UTC");
  CHECK_FALSE(c->owner_chat_id);
  CHECK_FALSE(c->policy.quiet_hours);
}

TEST_CASE("every bad value is an error naming the variable", "[config]") {
  struct Bad {
    const char* name;
    const char* value;
    const char* says;  // part of the message
  };
  const std::vector<Bad> cases = {
      {"PORT", "http", "0-65535"},
      {"PORT", "65536", "0-65535"},
      {"PORT", "-1", "0-65535"},
      {"PORT", "80x", "0-65535"},
      {"HOST", "localhost; rm", "not an IP address"},
      {"DATABASE_URL", "reviewbot.db", "sqlite://relative.db or sqlite:///abs/path.db"},
      {"DATABASE_URL", "mysql://u:p@h/db", "unsupported scheme \"mysql\""},
      {"DATABASE_URL", "sqlite://", "names no file"},
      {"TELEGRAM_API_URL", "api.telegram.org", "http(s) URL"},
      {"TELEGRAM_API_URL", "ftp://x", "http(s) URL"},
      {"TELEGRAM_API_URL", "https://", "not a valid URL"},
      {"PUBLIC_URL", "https://exa mple.com", "not a valid URL"},
      {"REVIEW_URL", "javascript:alert(1)", "http(s) URL"},
      {"UPDATES_MODE", "push", "use webhook or polling"},
      {"OWNER_CHAT_ID", "12ab", "integer"},
      {"OWNER_CHAT_ID", "99999999999999999999", "64-bit"},
      {"REQUEST_DELAY", "5x", "90s, 2h, 3d"},
      {"COOLDOWN", "-1d", "negative"},
      {"CONVERSATION_TTL", "0", "e.g. 1h, 7d"},
      {"SEND_RATE", "0", "1-1000"},
      {"TELEGRAM_API_TIMEOUT", "0", "e.g. 15s"},
      {"SEND_RATE", "fast", "1-1000"},
      {"CHAT_SEND_INTERVAL", "500ms", "90s, 2h, 3d"},
      {"WEBHOOK_MAX_CONNECTIONS", "101", "1-100"},
      {"REMINDER_AFTER", "24", "no unit"},
      {"QUIET_HOURS", "21:00-21:00", "HH:MM-HH:MM"},
      {"QUIET_HOURS", "9pm-9am", "HH:MM-HH:MM"},
      {"TIMEZONE", "Europe/Atlantis", "IANA name such as Europe/Berlin"},
      {"LOG_FORMAT", "xml", "use json or text"},
      {"INSTANCE_ID", "web 1", "A-Z a-z 0-9 . _ : -"},
      {"DATABASE_POOL_SIZE", "0", "1-100"},
      {"BUSINESS_ID", "a/b", "A-Z a-z 0-9 . _ -"},
      {"LOG_LEVEL", "verbose", "trace, debug, info, warn, error, critical or off"},
      {"TELEGRAM_WEBHOOK_SECRET", "has space", "A-Z, a-z, 0-9, _ and -"},
      {"ADMIN_TOKEN", "token\n", "line breaks"},
  };
  for (const auto& bad : cases) {
    DYNAMIC_SECTION(bad.name << "=" << bad.value) {
      Setup s;
      s.env[bad.name] = bad.value;
      auto c = s.load();
      REQUIRE_FALSE(c);
      CHECK_THAT(c.error().message, Catch::StartsWith(std::string(bad.name) + ": "));
      CHECK_THAT(c.error().message, Catch::Contains(bad.says));
    }
  }
}

TEST_CASE("the instance id defaults to Heroku's dyno name, and INSTANCE_ID wins", "[config]") {
  Setup s;
  CHECK(s.load()->instance_id.empty());  // main then picks <hostname>:<PORT>
  s.env["DYNO"] = "web.2";
  CHECK(s.load()->instance_id == "web.2");
  s.env["INSTANCE_ID"] = "";  // empty counts as unset
  CHECK(s.load()->instance_id == "web.2");
  s.env["INSTANCE_ID"] = "eu-1";
  CHECK(s.load()->instance_id == "eu-1");
}

TEST_CASE("a bad duration reads as a sentence about the variable", "[config]") {
  Setup s;
  s.env = {{"REQUEST_DELAY", "5x"}};
  auto c = s.load();
  REQUIRE_FALSE(c);
  CHECK(c.error().message ==
        "REQUEST_DELAY: \"5x\" is not a duration (use a number with s, m, h or d, e.g. 90s, 2h, "
        "3d)");
}

TEST_CASE("a postgres URL is parsed into libpq parameters", "[config]") {
  Setup s;
  s.env = {{"DATABASE_URL", "postgres://user:hunter2@db.example.com:5432/reviews"}};
  auto c = s.load();
  REQUIRE(c);
  CHECK(c->database_url == "postgres://user:hunter2@db.example.com:5432/reviews");
  CHECK(c->database.kind == config::DatabaseTarget::Kind::kPostgres);
  CHECK(c->database.host == "db.example.com");
  CHECK(c->database.dbname == "reviews");
  CHECK(c->database.redacted == "postgres://user:***@db.example.com:5432/reviews");
  CHECK(c->sqlite_path().empty());
}

TEST_CASE("a bad postgres URL is an error naming the variable, without the password", "[config]") {
  Setup s;
  s.env = {{"DATABASE_URL", "postgres://user:hunter2@db.example.com:54x/reviews"}};
  auto c = s.load();
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message, Catch::StartsWith("DATABASE_URL: "));
  CHECK_THAT(c.error().message, Catch::Contains("not a port number"));
  CHECK_THAT(c.error().message, !Catch::Contains("hunter2"));
}

TEST_CASE("secret values never appear in error messages", "[config]") {
  Setup s;
  s.env = {{"TELEGRAM_WEBHOOK_SECRET", "top secret!"}, {"ADMIN_TOKEN", "adm in"}};
  auto c = s.load();
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message, !Catch::Contains("top secret"));
  CHECK_THAT(c.error().message, !Catch::Contains("adm in"));
}

TEST_CASE("every bad variable is reported at once, one per line", "[config]") {
  Setup s;
  s.env = {{"PORT", "x"}, {"COOLDOWN", "y"}};
  auto c = s.load();
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message, Catch::StartsWith("PORT: "));
  CHECK_THAT(c.error().message, Catch::Contains("\nCOOLDOWN: "));
}

TEST_CASE("flags override the environment", "[config][flags]") {
  Setup s;
  s.env = {{"PORT", "8000"}, {"DATABASE_URL", "sqlite://env.db"}, {"LOG_LEVEL", "warn"}};
  SECTION("as --flag value") {
    s.args = {"--port", "9000", "--database-url", "sqlite:///tmp/flag.db"};
    auto c = s.load();
    REQUIRE(c);
    CHECK(c->port == 9000);
    CHECK(c->sqlite_path() == "/tmp/flag.db");
    CHECK(c->database.sqlite_path == "/tmp/flag.db");
    CHECK(c->log_level == "warn");
  }
  SECTION("as --flag=value") {
    s.args = {"--port=9001", "--telegram-bot-token=1:abc", "--quiet-hours="};
    auto c = s.load();
    REQUIRE(c);
    CHECK(c->port == 9001);
    CHECK(c->telegram_bot_token == "1:abc");
    CHECK_FALSE(c->policy.quiet_hours);
  }
  SECTION("a negative number is a value, not a flag") {
    s.args = {"--owner-chat-id", "-100123"};
    auto c = s.load();
    REQUIRE(c);
    CHECK(c->owner_chat_id == std::optional<int64_t>(-100123));
  }
  SECTION("the last of a repeated flag wins") {
    s.args = {"--port=1", "--port=2"};
    auto c = s.load();
    REQUIRE(c);
    CHECK(c->port == 2);
  }
  SECTION("a bad flag value names the flag") {
    s.args = {"--request-delay=soon"};
    auto c = s.load();
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message, Catch::StartsWith("--request-delay: \"soon\""));
  }
  SECTION("--help and --version are left to the caller") {
    s.args = {"--help"};
    CHECK(s.load());
    s.args = {"--version"};
    CHECK(s.load());
  }
}

TEST_CASE("malformed command lines are errors", "[config][flags]") {
  Setup s;
  SECTION("an unknown flag") {
    s.args = {"--prot", "9000"};
    auto c = s.load();
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message, Catch::Contains("unknown flag --prot"));
  }
  SECTION("an unknown flag with a value attached") {
    s.args = {"--verbose=1"};
    auto c = s.load();
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message, Catch::Contains("unknown flag --verbose"));
  }
  SECTION("a flag without its value") {
    s.args = {"--port"};
    auto c = s.load();
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message, Catch::Contains("--port needs a value"));
    s.args = {"--port", "--log-level=info"};
    CHECK_FALSE(s.load());
  }
  SECTION("a stray argument") {
    s.args = {"9000"};
    auto c = s.load();
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message, Catch::Contains("unexpected argument \"9000\""));
  }
}

TEST_CASE("usage lists every variable and flag with its default", "[config]") {
  const std::string text = config::usage();
  for (const auto& name : kVariables) {
    INFO(name);
    CHECK_THAT(text, Catch::Contains(name));
    std::string flag = "--";
    for (char ch : name) flag += ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
    CHECK_THAT(text, Catch::Contains(flag));
  }
  CHECK_THAT(text, Catch::Contains("--help"));
  CHECK_THAT(text, Catch::Contains("--version"));
  CHECK_THAT(text, Catch::Contains("default: 8080"));
  CHECK_THAT(text, Catch::Contains("default: 21:00-09:00"));
  CHECK_THAT(text, Catch::Contains("default: sqlite://reviewbot.db"));
}

TEST_CASE("sqlite_path is empty for a URL of another kind", "[config]") {
  config::Config c;
  c.database_url = "postgres://db/reviews";
  CHECK(c.sqlite_path().empty());
  c.database_url = "sqlite://data/reviews.db";
  CHECK(c.sqlite_path() == "data/reviews.db");
}

TEST_CASE("LINK_SECRET must be long enough to sign with and free of spaces", "[config]") {
  Setup s;
  s.env = {{"LINK_SECRET", "short"}};
  auto c = s.load();
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message, Catch::Contains("LINK_SECRET") && Catch::Contains("16"));
  s.env = {{"LINK_SECRET", "sixteen chars here"}};
  CHECK_FALSE(s.load());
  s.env = {{"LINK_SECRET", ""}};  // unset: the database keeps one
  CHECK(s.load()->link_secret.empty());
}
