// Builders for Telegram update JSON as the Bot API sends it, for integration tests.
#pragma once

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

namespace reviewbot::testing {

inline nlohmann::json user_json(int64_t id, const std::string& name, const std::string& lang) {
  return {{"id", id}, {"is_bot", false}, {"first_name", name}, {"language_code", lang}};
}

inline nlohmann::json text_message(int64_t update_id, int64_t chat_id, const std::string& text,
                                   const std::string& name = "Ann", const std::string& lang = "en",
                                   int64_t message_id = 0) {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", message_id ? message_id : update_id},
            {"date", 1795000000},
            {"chat", {{"id", chat_id}, {"type", "private"}, {"first_name", name}}},
            {"from", user_json(chat_id, name, lang)},
            {"text", text}}}};
}

inline nlohmann::json button_press(int64_t update_id, int64_t chat_id, int64_t message_id,
                                   const std::string& data) {
  return {{"update_id", update_id},
          {"callback_query",
           {{"id", "cq-" + std::to_string(update_id)},
            {"from", user_json(chat_id, "Ann", "en")},
            {"chat_instance", "ci-1"},
            {"data", data},
            {"message",
             {{"message_id", message_id},
              {"date", 1795000000},
              {"chat", {{"id", chat_id}, {"type", "private"}}},
              {"text", "question"}}}}}};
}

inline nlohmann::json member_status(int64_t update_id, int64_t chat_id, const std::string& status) {
  return {{"update_id", update_id},
          {"my_chat_member",
           {{"chat", {{"id", chat_id}, {"type", "private"}}},
            {"from", user_json(chat_id, "Ann", "en")},
            {"date", 1795000000},
            {"old_chat_member", {{"user", user_json(1, "bot", "en")}, {"status", "member"}}},
            {"new_chat_member", {{"user", user_json(1, "bot", "en")}, {"status", status}}}}}};
}

inline nlohmann::json business_connection(int64_t update_id, const std::string& id,
                                          int64_t owner_id) {
  return {{"update_id", update_id},
          {"business_connection",
           {{"id", id},
            {"user", user_json(owner_id, "Owner", "en")},
            {"user_chat_id", owner_id},
            {"date", 1795000000},
            {"can_reply", true},
            {"is_enabled", true}}}};
}

inline nlohmann::json business_message(int64_t update_id, const std::string& connection_id,
                                       int64_t chat_id, int64_t from_id, const std::string& text) {
  return {{"update_id", update_id},
          {"business_message",
           {{"message_id", update_id},
            {"business_connection_id", connection_id},
            {"date", 1795000000},
            {"chat", {{"id", chat_id}, {"type", "private"}, {"first_name", "Ann"}}},
            {"from", user_json(from_id, from_id == chat_id ? "Ann" : "Owner", "en")},
            {"text", text}}}};
}

// Now, `offset` from now, as RFC 3339 (UTC, whole seconds).
inline std::string utc_rfc3339(std::chrono::seconds offset = std::chrono::seconds(0)) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) +
                        static_cast<std::time_t>(offset.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[24];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// A sale that happened just now.
inline nlohmann::json sale_event(const std::string& id, int64_t chat_id,
                                 const std::string& name = "Ann",
                                 const std::string& transaction_id = "T-1") {
  return {{"id", id},
          {"type", "transaction.completed"},
          {"occurred_at", utc_rfc3339()},
          {"customer", {{"telegram_chat_id", chat_id}, {"name", name}, {"locale", "en"}}},
          {"transaction",
           {{"id", transaction_id},
            {"amount", 42.5},
            {"currency", "USD"},
            {"items", {{{"name", "Latte"}, {"category", "tea"}}}}}}};
}

}  // namespace reviewbot::testing
