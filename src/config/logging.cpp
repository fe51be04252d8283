#include "reviewbot/config/logging.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>

namespace reviewbot::config {
namespace {

using Json = nlohmann::ordered_json;

// Marks a message made by log_fields(); the rest of the message is a JSON object.
constexpr char kFieldsMark = '\x1e';

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

const char* level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

// The fields of a log_fields() message, or nullopt for a plain message.
std::optional<Json> fields_of(std::string_view payload) {
  if (payload.empty() || payload.front() != kFieldsMark) return std::nullopt;
  Json j = Json::parse(payload.substr(1), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

// "2026-11-22T10:00:00.123Z" (separator 'T') or "2026-11-22 10:00:00.123Z" (' ').
void append_time(spdlog::log_clock::time_point tp, char separator, spdlog::memory_buf_t& dest) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(tp);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}.{:03}Z",
                 static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                 static_cast<unsigned>(ymd.day()), separator, hms.hours().count(),
                 hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

void append(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.append(s.data(), s.data() + s.size());
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    append(dest, "{\"ts\":\"");
    append_time(msg.time, 'T', dest);
    append(dest, "\",\"level\":\"");
    append(dest, level_name(msg.level));
    append(dest, "\",\"msg\":");
    if (auto fields = fields_of(payload)) {
      const auto m = fields->find("msg");
      append(dest, dump(m != fields->end() ? *m : Json("")));
      for (const auto& [key, value] : fields->items()) {
        if (key == "msg") continue;
        append(dest, ",");
        append(dest, dump(Json(key)));
        append(dest, ":");
        append(dest, dump(value));
      }
    } else {
      append(dest, dump(Json(std::string(payload))));
    }
    append(dest, "}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    append_time(msg.time, ' ', dest);
    fmt::format_to(std::back_inserter(dest), " {:<8} ", level_name(msg.level));
    if (auto fields = fields_of(payload)) {
      const auto m = fields->find("msg");
      if (m != fields->end()) append(dest, m->is_string() ? m->get<std::string>() : dump(*m));
      for (const auto& [key, value] : fields->items()) {
        if (key == "msg") continue;
        fmt::format_to(std::back_inserter(dest), " {}={}", key,
                       value.is_string() && value.get<std::string>().find(' ') == std::string::npos
                           ? value.get<std::string>()
                           : dump(value));
      }
    } else {
      append(dest, payload);
    }
    append(dest, "\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }
};

spdlog::level::level_enum level_from(const std::string& level) {
  for (int l = spdlog::level::trace; l <= spdlog::level::off; ++l) {
    const auto e = static_cast<spdlog::level::level_enum>(l);
    if (level == level_name(e)) return e;
  }
  return spdlog::level::info;
}

}  // namespace

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format) {
  if (format == "text") return std::make_unique<TextFormatter>();
  return std::make_unique<JsonFormatter>();
}

void setup_logging(const std::string& format, const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  sink->set_formatter(make_log_formatter(format));
  auto logger = std::make_shared<spdlog::logger>("reviewbot", std::move(sink));
  logger->set_level(level_from(level));
  spdlog::set_default_logger(std::move(logger));
}

std::string log_fields(std::initializer_list<LogField> fields) {
  Json j = Json::object();
  for (const auto& [key, value] : fields) {
    std::string name(key);
    if (name == "ts" || name == "level") name = "field." + name;
    j[name] = value;
  }
  return kFieldsMark + dump(j);
}

namespace {

int64_t seconds(core::Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

std::string config_summary(const Config& c) {
  return log_fields({
      {"msg", "configuration loaded"},
      {"port", c.port},
      {"database_url", c.database.redacted},
      {"telegram_api_url", c.telegram_api_url},
      {"updates_mode", c.updates_mode == Config::UpdatesMode::kPolling ? "polling" : "webhook"},
      {"public_url", c.public_url},
      {"templates_dir", c.templates_dir},
      {"telegram_bot_token_set", !c.telegram_bot_token.empty()},
      {"telegram_webhook_secret_set", !c.telegram_webhook_secret.empty()},
      {"admin_token_set", !c.admin_token.empty()},
      {"events_secret_set", !c.events_secret.empty()},
      {"link_secret_set", !c.link_secret.empty()},
      {"owner_chat_id_set", c.owner_chat_id.has_value()},
      {"timezone", c.policy.time_zone.name()},
      {"quiet_hours_set", c.policy.quiet_hours.has_value()},
      {"request_delay_s", seconds(c.policy.request_delay)},
      {"cooldown_s", seconds(c.policy.cooldown)},
      {"reminder_after_s", seconds(c.policy.reminder_after)},
      {"conversation_ttl_s", seconds(c.policy.conversation_ttl)},
      {"send_rate", c.send_rate},
      {"chat_send_interval_ms", c.chat_send_interval.count()},
      {"webhook_max_connections", c.webhook_max_connections},
      {"instance_id", c.instance_id},
      {"business_id", c.business_id},
      {"database_pool_size", c.database_pool_size},
      {"log_level", c.log_level},
  });
}

}  // namespace reviewbot::config
