// Service configuration: every variable of DESIGN.md's table, parsed and validated once at
// startup from the environment, with command-line flags overriding. A bad value is an
// error naming the variable and the accepted form. Plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reviewbot/config/database_url.h"
#include "reviewbot/core/policy.h"
#include "reviewbot/core/result.h"

namespace reviewbot::config {

struct Config {
  int port = 8080;                                     // PORT (0 = any free port)
  std::string host = "0.0.0.0";                        // HOST: the address to listen on
  std::string database_url = "sqlite://reviewbot.db";  // DATABASE_URL, as given
  // DATABASE_URL parsed (see parse_database_url); log database.redacted, never the URL.
  DatabaseTarget database = {.sqlite_path = "reviewbot.db", .redacted = "sqlite://reviewbot.db"};
  std::string telegram_bot_token;                             // TELEGRAM_BOT_TOKEN
  std::string telegram_api_url = "https://api.telegram.org";  // TELEGRAM_API_URL
  core::Duration telegram_api_timeout{15000};                 // TELEGRAM_API_TIMEOUT
  std::string telegram_webhook_secret;                        // TELEGRAM_WEBHOOK_SECRET
  std::string public_url;                                     // PUBLIC_URL
  enum class UpdatesMode { kWebhook, kPolling } updates_mode = UpdatesMode::kWebhook;
  std::string admin_token;    // ADMIN_TOKEN
  std::string events_secret;  // EVENTS_SECRET
  std::string link_secret;    // LINK_SECRET; "" = the one the database keeps (main asks it)
  std::string templates_dir = "./templates";  // TEMPLATES_DIR
  std::string business_name;                  // BUSINESS_NAME
  std::string review_url;                     // REVIEW_URL
  std::optional<int64_t> owner_chat_id;       // OWNER_CHAT_ID
  // REQUEST_DELAY, COOLDOWN, REMINDER_AFTER, CONVERSATION_TTL, QUIET_HOURS, TIMEZONE
  core::Policy policy;
  int send_rate = 30;                       // SEND_RATE: Bot API sends/s over all chats
  core::Duration chat_send_interval{1000};  // CHAT_SEND_INTERVAL: between two to a chat
  int webhook_max_connections = 40;         // WEBHOOK_MAX_CONNECTIONS (1-100)
  std::string instance_id;                  // INSTANCE_ID, else DYNO; empty: main picks one
  int database_pool_size = 8;               // DATABASE_POOL_SIZE (PostgreSQL)
  std::string business_id = "default";      // BUSINESS_ID
  std::string log_format = "json";          // LOG_FORMAT: json | text
  std::string log_level = "info";           // LOG_LEVEL: trace..critical, off

  // Derived from database_url; "" when not a sqlite:// URL.
  std::string sqlite_path() const;
};

// Reads `getenv` for every variable, then applies flags from argv ("--port 9000",
// "--port=9000", "--database-url ...": each variable's lower-case, dash-separated name).
// Returns an error message naming the variable (or flag) and the accepted form.
// `getenv` is injectable for tests. Does not handle --help (see usage()).
core::Result<Config> load(int argc, const char* const* argv,
                          const std::function<const char*(const char*)>& getenv);

// --help text: every flag/variable with its default and meaning.
std::string usage();

// "90s", "15m", "2h", "3d", "0" → duration. Error text names the accepted form.
core::Result<core::Duration> parse_duration(const std::string& text);

}  // namespace reviewbot::config
