// Stored forms shared by the store backends: trigger names, the JSON of events waiting
// for a link (pending_events.payload), and the review stats from per-rating counts.
#include "row_codec.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "reviewbot/core/messages.h"

namespace reviewbot::store::codec {

using nlohmann::json;

namespace {

std::string qualified(const std::string& alias, std::initializer_list<const char*> names) {
  std::string out;
  for (const char* name : names) {
    if (!out.empty()) out += ", ";
    if (!alias.empty()) out += alias + ".";
    out += name;
  }
  return out;
}

}  // namespace

std::string customer_columns(const std::string& alias) {
  return qualified(alias, {"id", "chat_id", "external_id", "name", "locale", "opted_out",
                           "unreachable", "started_bot", "business_connection_id",
                           "last_request_at", "telegram_name", "username"});
}

std::string conversation_columns(const std::string& alias) {
  return qualified(alias, {"id",
                           "customer_id",
                           "chat_id",
                           "business_connection_id",
                           "state",
                           "trigger_type",
                           "event_id",
                           "transaction_id",
                           "template_name",
                           "variant",
                           "locale",
                           "requested_at",
                           "expires_at",
                           "request_message_id",
                           "rating",
                           "comment",
                           "comment_message_id",
                           "answered_at",
                           "amount",
                           "currency",
                           "items",
                           "prompt_message_id"});
}

core::Trigger trigger_from_string(const std::string& s) {
  for (auto t : {core::Trigger::kTransactionCompleted, core::Trigger::kThankYou}) {
    if (s == core::to_string(t)) return t;
  }
  throw std::runtime_error("unknown trigger in database: " + s);
}

std::vector<WeekRatings> weeks_from(core::Time end, int weeks,
                                    const std::vector<std::array<int64_t, 3>>& rows) {
  std::vector<WeekRatings> out;
  for (int i = 0; i < weeks; ++i) out.push_back(WeekRatings{end - (weeks - i) * kWeek, 0, 0});
  for (const auto& [index, responses, sum] : rows) {
    if (index < 0 || index >= weeks) continue;
    out[static_cast<std::size_t>(index)].responses = responses;
    out[static_cast<std::size_t>(index)].rating_sum = sum;
  }
  return out;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

namespace {

json items_json(const std::vector<core::TransactionItem>& items) {
  json out = json::array();
  for (const auto& item : items) out.push_back({{"name", item.name}, {"category", item.category}});
  return out;
}

std::vector<core::TransactionItem> items_of(const json& array) {
  std::vector<core::TransactionItem> out;
  for (const auto& item : array)
    out.push_back({item.value("name", ""), item.value("category", "")});
  return out;
}

}  // namespace

std::string items_to_json(const std::vector<core::TransactionItem>& items) {
  return items_json(items).dump();
}

std::vector<core::TransactionItem> items_from_json(const std::string& text) {
  try {
    return items_of(json::parse(text));
  } catch (const json::exception& ex) {
    throw std::runtime_error(std::string("malformed items: ") + ex.what());
  }
}

PayloadText payload_text(const std::string& payload) {
  const auto body = core::message_body_from_json(payload);
  if (!body) return {};
  if (const auto* send = std::get_if<core::SendText>(&*body)) return {send->text, send->html};
  if (const auto* edit = std::get_if<core::EditText>(&*body)) return {edit->text, edit->html};
  return {};
}

std::string event_to_json(const core::TransactionEvent& e) {
  json items = items_json(e.items);
  json j = {{"id", e.id},
            {"type", core::to_string(e.type)},
            {"occurred_at", core::to_millis(e.occurred_at)},
            {"customer_name", e.customer_name},
            {"locale", e.locale},
            {"transaction_id", e.transaction_id},
            {"currency", e.currency},
            {"items", std::move(items)}};
  if (e.telegram_chat_id) j["telegram_chat_id"] = *e.telegram_chat_id;
  if (e.external_id) j["external_id"] = *e.external_id;
  if (e.amount) j["amount"] = *e.amount;
  return j.dump();
}

core::TransactionEvent event_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    core::TransactionEvent e;
    e.id = j.at("id").get<std::string>();
    const std::string type = j.at("type").get<std::string>();
    auto parsed = core::transaction_type_from_string(type);
    if (!parsed) throw std::runtime_error("unknown event type " + type);
    e.type = *parsed;
    e.occurred_at = core::from_millis(j.at("occurred_at").get<int64_t>());
    if (auto it = j.find("telegram_chat_id"); it != j.end())
      e.telegram_chat_id = it->get<int64_t>();
    if (auto it = j.find("external_id"); it != j.end()) e.external_id = it->get<std::string>();
    e.customer_name = j.value("customer_name", "");
    e.locale = j.value("locale", "");
    e.transaction_id = j.value("transaction_id", "");
    if (auto it = j.find("amount"); it != j.end()) e.amount = it->get<double>();
    e.currency = j.value("currency", "");
    e.items = items_of(j.value("items", json::array()));
    return e;
  } catch (const json::exception& ex) {
    throw std::runtime_error(std::string("malformed pending event: ") + ex.what());
  }
}

core::Stats stats_from(int64_t requests_sent, const std::vector<std::pair<int, int64_t>>& counts) {
  core::Stats stats;
  stats.requests_sent = requests_sent;
  int64_t sum = 0;
  for (const auto& [rating, count] : counts) {
    if (rating < 1 || rating > 5) continue;
    stats.distribution[rating - 1] = count;
    stats.responses += count;
    sum += rating * count;
  }
  if (stats.responses > 0) {
    stats.average_rating = static_cast<double>(sum) / static_cast<double>(stats.responses);
  }
  if (stats.requests_sent > 0) {
    // A fraction 0–1 even if a rating arrived for a request not recorded as sent.
    stats.response_rate = std::min(
        1.0, static_cast<double>(stats.responses) / static_cast<double>(stats.requests_sent));
  }
  return stats;
}

}  // namespace reviewbot::store::codec
