#include "reviewbot/config/config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <map>
#include <string_view>
#include <utility>

#include "config_values.h"

namespace reviewbot::config {
namespace {

using core::Error;
using core::Status;
using namespace values;

// One row of DESIGN.md's configuration table. `apply` validates a non-empty value (or, for
// QUIET_HOURS, any value) into the Config; its error names the accepted form but not the
// variable, which load() prefixes. Values of secret variables never appear in errors.
struct Variable {
  const char* name;
  const char* default_text;  // "" when there is no default
  const char* meaning;
  bool empty_is_meaningful;  // false: an empty value counts as unset
  Status (*apply)(Config& config, const std::string& value);
};

// The variables, in the order --help lists them.
const Variable kVariables[] = {
    {"PORT", "8080", "HTTP port (Heroku sets it); 0 picks any free port", false,
     [](Config& c, const std::string& v) { return set_int(c.port, v, 0, 65535, "a port number"); }},
    {"HOST", "0.0.0.0",
     "address to listen on: 0.0.0.0 for every interface (Heroku, Docker), 127.0.0.1 for this "
     "machine only, :: for IPv6",
     false,
     [](Config& c, const std::string& v) -> Status {
       const bool ok =
           v.size() <= 64 && v.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos;
       if (!ok) return Error{in_quotes(v) + " is not an IP address (e.g. 0.0.0.0 or 127.0.0.1)"};
       c.host = v;
       return core::ok_status();
     }},
    {"DATABASE_URL", "sqlite://reviewbot.db",
     "database: sqlite://relative.db, sqlite:///abs/path.db, or "
     "postgres://user:password@host:5432/dbname (also postgresql://; Heroku's form; password "
     "percent-encoded; ?key=value parameters go to libpq; TLS required except on loopback)",
     false,
     [](Config& c, const std::string& v) -> Status {
       // Its errors never echo the password.
       auto target = parse_database_url(v);
       if (!target) return target.error();
       c.database_url = v;
       c.database = std::move(target).value();
       return core::ok_status();
     }},
    {"TELEGRAM_BOT_TOKEN", "", "bot token from @BotFather; required unless running the demo", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_secret(v); !s) return s;
       c.telegram_bot_token = v;
       return core::ok_status();
     }},
    {"TELEGRAM_API_URL", "https://api.telegram.org",
     "Bot API base URL; point it at mock_platform for demos and tests", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_http_url(v, "https://api.telegram.org"); !s) return s;
       c.telegram_api_url = without_trailing_slashes(v);
       return core::ok_status();
     }},
    {"TELEGRAM_API_TIMEOUT", "15s",
     "longest wait for one Bot API call; a send that times out after it went out is in doubt",
     false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = set_duration(c.telegram_api_timeout, v); !s) return s;
       if (c.telegram_api_timeout.count() == 0)
         return Error{"\"0\" would fail every call (use e.g. 15s)"};
       return core::ok_status();
     }},
    {"TELEGRAM_WEBHOOK_SECRET", "",
     "when set, X-Telegram-Bot-Api-Secret-Token must equal it, else 401", false,
     [](Config& c, const std::string& v) -> Status {
       bool ok = v.size() <= 256;
       for (unsigned char ch : v) ok = ok && (std::isalnum(ch) || ch == '_' || ch == '-');
       if (!ok)
         return Error{"must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"};
       c.telegram_webhook_secret = v;
       return core::ok_status();
     }},
    {"PUBLIC_URL", "", "when set, register PUBLIC_URL/webhook/telegram with setWebhook at start",
     false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_http_url(v, "https://reviews.example.com"); !s) return s;
       c.public_url = without_trailing_slashes(v);
       return core::ok_status();
     }},
    {"UPDATES_MODE", "webhook", "webhook, or polling (getUpdates long polling, no public URL)",
     false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_one_of(v, {"webhook", "polling"}, "an updates mode"); !s) return s;
       c.updates_mode =
           v == "polling" ? Config::UpdatesMode::kPolling : Config::UpdatesMode::kWebhook;
       return core::ok_status();
     }},
    {"ADMIN_TOKEN", "",
     "bearer token for /v1/* and the password of the /admin dashboard's admin login", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_secret(v); !s) return s;
       c.admin_token = v;
       return core::ok_status();
     }},
    {"EVENTS_SECRET", "",
     "when set, /v1/events also accepts X-Reviewbot-Signature: sha256=<HMAC of body>", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_secret(v); !s) return s;
       c.events_secret = v;
       return core::ok_status();
     }},
    {"LINK_SECRET", "",
     "signs deep links (/v1/links, QR codes) and owner links; unset: a secret kept in the "
     "database (at first start the bot token, so links printed before keep working)",
     false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_secret(v); !s) return s;
       if (v.size() < 16) {
         return Error{"must be at least 16 characters (e.g. openssl rand -hex 32)"};
       }
       c.link_secret = v;
       return core::ok_status();
     }},
    {"TEMPLATES_DIR", "./templates", "directory of message templates", false,
     [](Config& c, const std::string& v) -> Status {
       c.templates_dir = v;
       return core::ok_status();
     }},
    {"BUSINESS_NAME", "", "business name shown in messages", false,
     [](Config& c, const std::string& v) -> Status {
       c.business_name = v;
       return core::ok_status();
     }},
    {"REVIEW_URL", "", "public review page offered to every respondent, whatever the rating", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_http_url(v, "https://g.page/r/your-business/review"); !s) return s;
       c.review_url = v;
       return core::ok_status();
     }},
    {"OWNER_CHAT_ID", "",
     "a chat that gets alerts for ratings of 2 or less, besides those connected with the "
     "dashboard's owner link (followed if Telegram migrates it)",
     false,
     [](Config& c, const std::string& v) -> Status {
       int64_t id = 0;
       const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
       if (ec == std::errc::result_out_of_range) {
         return Error{in_quotes(v) +
                      " is out of range (use a 64-bit chat id, e.g. -1001234567890)"};
       }
       if (ec != std::errc() || end != v.data() + v.size()) {
         return Error{in_quotes(v) + " is not a chat id (use an integer, e.g. -1001234567890)"};
       }
       c.owner_chat_id = id;
       return core::ok_status();
     }},
    {"REQUEST_DELAY", "0s", "wait between a sale and the request (90s, 15m, 2h, 3d)", false,
     [](Config& c, const std::string& v) { return set_duration(c.policy.request_delay, v); }},
    {"COOLDOWN", "30d", "at most one request per customer in this window", false,
     [](Config& c, const std::string& v) { return set_duration(c.policy.cooldown, v); }},
    {"REMINDER_AFTER", "24h",
     "one reminder if the customer has not answered, this long after the request was sent; 0 "
     "disables",
     false,
     [](Config& c, const std::string& v) { return set_duration(c.policy.reminder_after, v); }},
    {"CONVERSATION_TTL", "7d",
     "an unanswered request stops blocking new ones after this; later answers are declined", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = set_duration(c.policy.conversation_ttl, v); !s) return s;
       if (c.policy.conversation_ttl.count() == 0) {
         return Error{"\"0\" would close every conversation at once (use e.g. 1h, 7d)"};
       }
       return core::ok_status();
     }},
    {"MAX_EVENT_AGE", "7d",
     "a sale whose occurred_at is older is not asked about (skipped: stale); 0 disables", false,
     [](Config& c, const std::string& v) { return set_duration(c.policy.max_event_age, v); }},
    {"QUIET_HOURS", "21:00-09:00", "no sends in this local window (HH:MM-HH:MM); empty disables",
     true,
     [](Config& c, const std::string& v) -> Status {
       auto q = core::parse_quiet_hours(v);
       if (!q) return q.error();
       c.policy.quiet_hours = *q;
       return core::ok_status();
     }},
    {"TIMEZONE", "UTC", "IANA time zone for quiet hours, e.g. Europe/Berlin", false,
     [](Config& c, const std::string& v) -> Status {
       auto tz = core::TimeZone::find(v);
       if (!tz) return tz.error();
       c.policy.time_zone = *tz;
       return core::ok_status();
     }},
    {"SEND_RATE", "30", "most Bot API calls per second over all chats (Telegram allows ~30)", false,
     [](Config& c, const std::string& v) {
       return set_int(c.send_rate, v, 1, 1000, "a rate in calls per second");
     }},
    {"CHAT_SEND_INTERVAL", "1s", "least time between two messages to one chat; 0 disables", false,
     [](Config& c, const std::string& v) { return set_duration(c.chat_send_interval, v); }},
    {"WEBHOOK_MAX_CONNECTIONS", "40",
     "setWebhook max_connections: parallel webhook deliveries Telegram may open", false,
     [](Config& c, const std::string& v) {
       return set_int(c.webhook_max_connections, v, 1, 100, "a connection count");
     }},
    {"DATABASE_POOL_SIZE", "8",
     "PostgreSQL connections per instance (each concurrent webhook, event or delivery step "
     "holds one while it commits)",
     false,
     [](Config& c, const std::string& v) {
       return set_int(c.database_pool_size, v, 1, 100, "a connection count");
     }},
    {"BUSINESS_ID", "default",
     "the business (bot) this instance serves; PostgreSQL rows are keyed by it, so one "
     "database can hold several",
     false,
     [](Config& c, const std::string& v) {
       return set_name(c.business_id, v, 64, "._-", "a business id");
     }},
    {"INSTANCE_ID", "",
     "this instance's name among those sharing one database (outbox claims); default: $DYNO "
     "(Heroku), else <hostname>:<PORT>",
     false,
     [](Config& c, const std::string& v) {
       return set_name(c.instance_id, v, 100, "._:-", "an instance name");
     }},
    {"LOG_FORMAT", "json", "log lines on stdout: json (one object per line) or text", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_one_of(v, {"json", "text"}, "a log format"); !s) return s;
       c.log_format = v;
       return core::ok_status();
     }},
    {"LOG_LEVEL", "info", "trace, debug, info, warn, error, critical or off", false,
     [](Config& c, const std::string& v) -> Status {
       if (auto s = check_one_of(v, {"trace", "debug", "info", "warn", "error", "critical", "off"},
                                 "a log level");
           !s) {
         return s;
       }
       c.log_level = v;
       return core::ok_status();
     }},
};

// "TELEGRAM_BOT_TOKEN" -> "--telegram-bot-token".
std::string flag_of(const char* name) {
  std::string flag = "--";
  for (const char* p = name; *p != '\0'; ++p) {
    flag += *p == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  }
  return flag;
}

const Variable* variable_for_flag(const std::string& flag) {
  for (const Variable& v : kVariables) {
    if (flag_of(v.name) == flag) return &v;
  }
  return nullptr;
}

}  // namespace

core::Result<Config> load(int argc, const char* const* argv,
                          const std::function<const char*(const char*)>& getenv) {
  // Variable name -> (value, where it came from: the variable or the flag).
  std::map<std::string, std::pair<std::string, std::string>> values;
  for (const Variable& v : kVariables) {
    const char* value = getenv ? getenv(v.name) : std::getenv(v.name);
    if (value != nullptr) values[v.name] = {value, v.name};
  }
  // Heroku names each dyno (web.1, web.2): a stable instance id across its restarts.
  if (const auto it = values.find("INSTANCE_ID"); it == values.end() || it->second.first.empty()) {
    const char* dyno = getenv ? getenv("DYNO") : std::getenv("DYNO");
    if (dyno != nullptr && *dyno != '\0') values["INSTANCE_ID"] = {dyno, "DYNO"};
  }

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i] != nullptr ? argv[i] : "";
    if (arg == "--help" || arg == "-h" || arg == "--version") continue;  // the caller answers
    if (!starts_with(arg, "--")) {
      return Error{"unexpected argument " + in_quotes(arg) +
                   " (flags look like --port 9000 or "
                   "--port=9000; see --help)"};
    }
    const auto eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    const Variable* var = variable_for_flag(flag);
    if (var == nullptr) return Error{"unknown flag " + flag + " (see --help)"};
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc && argv[i + 1] != nullptr && !starts_with(argv[i + 1], "--")) {
      value = argv[++i];
    } else {
      return Error{flag + " needs a value (" + flag + " VALUE or " + flag + "=VALUE)"};
    }
    values[var->name] = {value, flag};
  }

  Config config;
  std::string errors;
  for (const Variable& v : kVariables) {
    const auto it = values.find(v.name);
    if (it == values.end()) continue;
    const auto& [value, source] = it->second;
    if (value.empty() && !v.empty_is_meaningful) continue;
    if (auto s = v.apply(config, value); !s) {
      if (!errors.empty()) errors += '\n';
      errors += source + ": " + s.error().message;
    }
  }
  if (!errors.empty()) return Error{errors};
  return config;
}

std::string usage() {
  std::string out =
      "Usage: reviewbot [--flag VALUE | --flag=VALUE]...\n"
      "\n"
      "Collects customer reviews over Telegram. Every setting is an environment variable;\n"
      "the flag of the same name (lower case, dashes) overrides it. An empty variable counts\n"
      "as unset, except QUIET_HOURS, where empty disables quiet hours.\n"
      "\n";
  for (const Variable& v : kVariables) {
    std::string line = "  " + flag_of(v.name) + ", " + v.name;
    line += std::string(line.size() < 53 ? 53 - line.size() : 1, ' ');
    line += *v.default_text != '\0' ? std::string("default: ") + v.default_text : "no default";
    out += line + "\n      " + v.meaning + "\n";
  }
  out += "  --help, -h\n      print this text and exit\n";
  out += "  --version\n      print the version and exit\n";
  return out;
}

std::string Config::sqlite_path() const {
  constexpr std::string_view kScheme = "sqlite://";
  if (!starts_with(database_url, kScheme)) return "";
  return database_url.substr(kScheme.size());
}

}  // namespace reviewbot::config
