// Row mapping and statement caching for SqliteStore.
#include <stdexcept>

#include "sqlite_detail.h"

namespace reviewbot::store::sqlite_detail {

Stmt Connection::stmt(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    std::string text(sql);
    auto prepared = std::make_unique<SQLite::Statement>(db_, text);
    it = cache_.emplace(std::move(text), std::move(prepared)).first;
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

}  // namespace

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
  c.telegram_name = s.getColumn(10).getString();
  c.username = s.getColumn(11).getString();
  return c;
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
  if (!s.isColumnNull(18)) c.amount = s.getColumn(18).getDouble();
  c.currency = s.getColumn(19).getString();
  c.items = codec::items_from_json(s.getColumn(20).getString());
  c.prompt_message_id = column_opt_int64(s, 21);
  return c;
}

}  // namespace reviewbot::store::sqlite_detail
