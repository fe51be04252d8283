// Process logging: spdlog's default logger writes to stdout, one JSON object per line
// ({"ts":…,"level":…,"msg":…, fields…}) or human-readable text. setup_logging() runs once
// at startup before other threads log; logging itself is thread-safe (a locking sink).
// Never log secrets: tokens, webhook/events secrets, database passwords.
#pragma once

#include <spdlog/formatter.h>

#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "reviewbot/config/config.h"

namespace reviewbot::config {

// Replaces spdlog's default logger with one on stdout. `format` is "json" or "text", `level`
// one of trace, debug, info, warn, error, critical, off (load() validated both); anything
// else falls back to json and info. Not thread-safe: call before other threads log.
void setup_logging(const std::string& format, const std::string& level);

// The formatter setup_logging() installs ("json", else text); for tests and extra sinks.
std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format);

// Structured log lines. log_fields() packs named values into one message string that both
// formatters expand, so fields stay real JSON fields instead of text inside "msg":
//
//   spdlog::info(log_fields({{"msg", "webhook applied"}, {"request_id", id}, {"update_id", 42}}));
//   json: {"ts":"…","level":"info","msg":"webhook applied","request_id":"r-1","update_id":42}
//   text: 2026-11-22 10:00:00.123Z info  webhook applied request_id=r-1 update_id=42
//
// Fields keep the caller's order. "msg" may be omitted (empty message); a field named "ts"
// or "level" is written as "field.ts" / "field.level" so it cannot hide the real ones.
// Pass the string as the only argument: spdlog then does no {} formatting on it.
using LogField = std::pair<std::string_view, nlohmann::json>;
std::string log_fields(std::initializer_list<LogField> fields);

// A log_fields() message describing `config` for the startup log line. Secrets appear only
// as true/false ("admin_token_set"), never as values.
std::string config_summary(const Config& config);

}  // namespace reviewbot::config
