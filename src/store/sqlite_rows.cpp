// Row mapping and statement caching for SqliteStore.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sqlite_detail.h"

namespace reviewbot::store::sqlite_detail {

using nlohmann::json;

Stmt Connection::stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  }
  SQLite::Statement& s = *it->second;
  s.tryReset();
  s.clearBindings();
  return Stmt(s);
}

void bind_time(SQLite::Statement& s, int index, core::Time t) {
  s.bind(index, static_cast<int64_t>(core::to_millis(t)));
}

void bind_opt(SQLite::Statement& s, int index, const std::optional<int64_t>& v) {
  if (v) {
    s.bind(index, static_cast<int64_t>(*v));
  } else {
    s.bind(index);
  }
}

void bind_opt(SQLite::Statement& s, int index, const std::optional<std::string>& v) {
  if (v) {
    s.bind(index, *v);
  } else {
    s.bind(index);
  }
}

void bind_opt(SQLite::Statement& s, int index, const std::optional<core::Time>& v) {
  if (v) {
    bind_time(s, index, *v);
  } else {
    s.bind(index);
  }
}

std::optional<int64_t> column_opt_int64(SQLite::Statement& s, int index) {
  if (s.isColumnNull(index)) return std::nullopt;
  return s.getColumn(index).getInt64();
}

std::optional<std::string> column_opt_text(SQLite::Statement& s, int index) {
  if (s.isColumnNull(index)) return std::nullopt;
  return s.getColumn(index).getString();
}

namespace {

std::optional<core::Time> column_opt_time(SQLite::Statement& s, int index) {
  if (auto ms = column_opt_int64(s, index)) return core::from_millis(*ms);
  return std::nullopt;
}

core::Time column_time(SQLite::Statement& s, int index) {
  return core::from_millis(s.getColumn(index).getInt64());
}

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

core::Trigger trigger_from_string(const std::string& s) {
  for (auto t : {core::Trigger::kTransactionCompleted, core::Trigger::kThankYou}) {
    if (s == core::to_string(t)) return t;
  }
  throw std::runtime_error("unknown trigger in database: " + s);
}

std::string customer_columns(const std::string& alias) {
  return qualified(alias,
                   {"id", "chat_id", "external_id", "name", "locale", "opted_out", "unreachable",
                    "started_bot", "business_connection_id", "last_request_at"});
}

core::Customer read_customer(SQLite::Statement& s) {
  core::Customer c;
  c.id = s.getColumn(0).getInt64();
  c.chat_id = column_opt_int64(s, 1);
  c.external_id = column_opt_text(s, 2);
  c.name = s.getColumn(3).getString();
  c.locale = s.getColumn(4).getString();
  c.opted_out = s.getColumn(5).getInt() != 0;
  c.unreachable = s.getColumn(6).getInt() != 0;
  c.started_bot = s.getColumn(7).getInt() != 0;
  c.business_connection_id = column_opt_text(s, 8);
  c.last_request_at = column_opt_time(s, 9);
  return c;
}

std::string conversation_columns(const std::string& alias) {
  return qualified(alias, {"id", "customer_id", "chat_id", "business_connection_id", "state",
                           "trigger_type", "event_id", "transaction_id", "template_name", "variant",
                           "locale", "requested_at", "expires_at", "request_message_id", "rating",
                           "comment", "comment_message_id", "answered_at"});
}

core::Conversation read_conversation(SQLite::Statement& s) {
  core::Conversation c;
  c.id = s.getColumn(0).getInt64();
  c.customer_id = s.getColumn(1).getInt64();
  c.chat_id = s.getColumn(2).getInt64();
  c.business_connection_id = column_opt_text(s, 3);
  const std::string state = s.getColumn(4).getString();
  auto parsed = core::conversation_state_from_string(state);
  if (!parsed) throw std::runtime_error("unknown conversation state in database: " + state);
  c.state = *parsed;
  c.trigger = trigger_from_string(s.getColumn(5).getString());
  c.event_id = column_opt_text(s, 6);
  c.transaction_id = column_opt_text(s, 7);
  c.template_name = s.getColumn(8).getString();
  c.variant = s.getColumn(9).getString();
  c.locale = s.getColumn(10).getString();
  c.requested_at = column_time(s, 11);
  c.expires_at = column_time(s, 12);
  c.request_message_id = column_opt_int64(s, 13);
  if (!s.isColumnNull(14)) c.rating = s.getColumn(14).getInt();
  c.comment = column_opt_text(s, 15);
  c.comment_message_id = column_opt_int64(s, 16);
  c.answered_at = column_opt_time(s, 17);
  return c;
}

std::string event_to_json(const core::TransactionEvent& e) {
  json items = json::array();
  for (const auto& item : e.items) {
    items.push_back({{"name", item.name}, {"category", item.category}});
  }
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
    for (const auto& item : j.value("items", json::array())) {
      e.items.push_back({item.value("name", ""), item.value("category", "")});
    }
    return e;
  } catch (const json::exception& ex) {
    throw std::runtime_error(std::string("malformed pending event: ") + ex.what());
  }
}

}  // namespace reviewbot::store::sqlite_detail
