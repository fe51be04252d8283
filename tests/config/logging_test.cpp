#include "reviewbot/config/logging.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace reviewbot;

namespace {

// Formats one record at 2026-11-22T10:00:00.123Z through the named formatter.
std::string format_line(const std::string& format, const std::string& message,
                        spdlog::level::level_enum level = spdlog::level::info) {
  using namespace std::chrono;
  const auto when = sys_days{year{2026} / 11 / 22} + hours{10} + milliseconds{123};
  spdlog::details::log_msg msg(time_point_cast<system_clock::duration>(when), spdlog::source_loc{},
                               "reviewbot", level, message);
  spdlog::memory_buf_t buf;
  config::make_log_formatter(format)->format(msg, buf);
  return std::string(buf.data(), buf.size());
}

}  // namespace

TEST_CASE("json logs are one valid object per line with ts, level and msg", "[logging]") {
  const std::string line = format_line("json", "hello");
  CHECK(line == "{\"ts\":\"2026-11-22T10:00:00.123Z\",\"level\":\"info\",\"msg\":\"hello\"}\n");
  SECTION("the message is escaped, not trusted") {
    const std::string tricky = "say \"hi\"\n\t\\ {} \x01 end";
    const std::string out = format_line("json", tricky, spdlog::level::warn);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["msg"] == tricky);
    CHECK(j["level"] == "warn");
  }
  SECTION("invalid UTF-8 still gives valid JSON") {
    const auto j = nlohmann::json::parse(format_line("json", "bad \xff\xfe bytes"));
    CHECK(j["msg"].get<std::string>().find("bad ") == 0);
  }
  SECTION("levels use the LOG_LEVEL names") {
    CHECK(nlohmann::json::parse(format_line("json", "x", spdlog::level::err))["level"] == "error");
    CHECK(nlohmann::json::parse(format_line("json", "x", spdlog::level::critical))["level"] ==
          "critical");
  }
}

TEST_CASE("structured fields become real JSON fields in the caller's order", "[logging]") {
  const std::string message = config::log_fields(
      {{"msg", "webhook applied"}, {"request_id", "r-1"}, {"update_id", 42}, {"ok", true}});
  const std::string line = format_line("json", message);
  CHECK(line ==
        "{\"ts\":\"2026-11-22T10:00:00.123Z\",\"level\":\"info\",\"msg\":\"webhook applied\","
        "\"request_id\":\"r-1\",\"update_id\":42,\"ok\":true}\n");
  SECTION("msg may be omitted") {
    const auto j = nlohmann::json::parse(format_line("json", config::log_fields({{"n", 1}})));
    CHECK(j["msg"] == "");
    CHECK(j["n"] == 1);
  }
  SECTION("reserved names cannot hide ts and level") {
    const auto j = nlohmann::json::parse(
        format_line("json", config::log_fields({{"msg", "m"}, {"ts", "fake"}, {"level", "x"}})));
    CHECK(j["ts"] == "2026-11-22T10:00:00.123Z");
    CHECK(j["level"] == "info");
    CHECK(j["field.ts"] == "fake");
    CHECK(j["field.level"] == "x");
  }
  SECTION("text format shows them as key=value") {
    CHECK(
        format_line("text", message) ==
        "2026-11-22 10:00:00.123Z info     webhook applied request_id=r-1 update_id=42 ok=true\n");
  }
}

TEST_CASE("a log_fields message logged through spdlog keeps its braces", "[logging]") {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(config::make_log_formatter("json"));
  spdlog::logger logger("test", sink);
  logger.info(config::log_fields({{"msg", "body {} was {:d}"}, {"payload", "{\"a\":1}"}}));
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["msg"] == "body {} was {:d}");
  CHECK(j["payload"] == "{\"a\":1}");
}

TEST_CASE("text logs are one readable line", "[logging]") {
  CHECK(format_line("text", "listening on :8080", spdlog::level::warn) ==
        "2026-11-22 10:00:00.123Z warn     listening on :8080\n");
}

TEST_CASE("setup_logging installs a stdout logger at the configured level", "[logging]") {
  const auto previous = spdlog::default_logger();
  config::setup_logging("json", "warn");
  CHECK(spdlog::default_logger()->level() == spdlog::level::warn);
  CHECK(spdlog::default_logger()->name() == "reviewbot");
  config::setup_logging("text", "off");
  CHECK(spdlog::default_logger()->level() == spdlog::level::off);
  config::setup_logging("json", "nonsense");
  CHECK(spdlog::default_logger()->level() == spdlog::level::info);
  spdlog::set_default_logger(previous);
}

TEST_CASE("the configuration summary shows that secrets are set, never their values", "[logging]") {
  config::Config c;
  c.telegram_bot_token = "123456:TOKEN-VALUE";
  c.admin_token = "ADMIN-VALUE";
  c.telegram_webhook_secret = "HOOK-VALUE";
  c.events_secret = "EVENTS-VALUE";
  const std::string line = format_line("json", config::config_summary(c));
  for (const char* secret : {"TOKEN-VALUE", "ADMIN-VALUE", "HOOK-VALUE", "EVENTS-VALUE"}) {
    CHECK_THAT(line, !Catch::Contains(secret));
  }
  const auto j = nlohmann::json::parse(line);
  CHECK(j["msg"] == "configuration loaded");
  CHECK(j["telegram_bot_token_set"] == true);
  CHECK(j["admin_token_set"] == true);
  CHECK(j["port"] == 8080);
  CHECK(j["send_rate"] == 30);
  CHECK(j["chat_send_interval_ms"] == 1000);
  CHECK(j["conversation_ttl_s"] == 7 * 24 * 3600);
  CHECK(j["reminder_after_s"] == 24 * 3600);
}

TEST_CASE("the configuration summary shows the database URL without its password", "[logging]") {
  config::Config c;
  c.database_url = "postgres://u:PG-PASSWORD@db.example.com/d";
  c.database = config::parse_database_url(c.database_url).value();
  const std::string line = format_line("json", config::config_summary(c));
  CHECK_THAT(line, !Catch::Contains("PG-PASSWORD"));
  CHECK(nlohmann::json::parse(line)["database_url"] == "postgres://u:***@db.example.com/d");
}
