// PgStore's statements that throw, column readers, row mapping and snapshot loading.
#include <charconv>
#include <type_traits>

#include "pg_detail.h"
#include "row_codec.h"

namespace reviewbot::store::pg_detail {

namespace {

Failure bad_value(const std::string& what) {
  return Failure(pg::Error{pg::ErrorCode::kOther, "", what});
}

core::Customer read_customer(const pg::QueryResult& r, int row) {
  core::Customer c;
  c.id = int64_at(r, row, 0);
  c.chat_id = opt_int64_at(r, row, 1);
  c.external_id = r.value(row, 2);
  c.name = r.text(row, 3);
  c.locale = r.text(row, 4);
  c.opted_out = bool_at(r, row, 5);
  c.unreachable = bool_at(r, row, 6);
  c.started_bot = bool_at(r, row, 7);
  c.business_connection_id = r.value(row, 8);
  c.last_request_at = opt_time_at(r, row, 9);
  c.telegram_name = r.text(row, 10);
  c.username = r.text(row, 11);
  return c;
}

core::Conversation read_conversation(const pg::QueryResult& r, int row) {
  core::Conversation c;
  c.id = int64_at(r, row, 0);
  c.customer_id = int64_at(r, row, 1);
  c.chat_id = int64_at(r, row, 2);
  c.business_connection_id = r.value(row, 3);
  const std::string state = r.text(row, 4);
  auto parsed = core::conversation_state_from_string(state);
  if (!parsed) throw bad_value("unknown conversation state in database: " + state);
  c.state = *parsed;
  c.trigger = codec::trigger_from_string(r.text(row, 5));
  c.event_id = r.value(row, 6);
  c.transaction_id = r.value(row, 7);
  c.template_name = r.text(row, 8);
  c.variant = r.text(row, 9);
  c.locale = r.text(row, 10);
  c.requested_at = time_at(r, row, 11);
  c.expires_at = time_at(r, row, 12);
  c.request_message_id = opt_int64_at(r, row, 13);
  if (auto rating = opt_int64_at(r, row, 14)) c.rating = static_cast<int>(*rating);
  c.comment = r.value(row, 15);
  c.comment_message_id = opt_int64_at(r, row, 16);
  c.answered_at = opt_time_at(r, row, 17);
  c.amount = opt_double_at(r, row, 18);
  c.currency = r.text(row, 19);
  try {
    c.items = codec::items_from_json(r.text(row, 20));
  } catch (const std::runtime_error& e) {
    throw bad_value(e.what());
  }
  c.prompt_message_id = opt_int64_at(r, row, 21);
  return c;
}

std::optional<core::Customer> customer_where(pg::Connection& c, const std::string& business,
                                             const char* column, pg::Param value) {
  const auto r = run(c,
                     "SELECT " + codec::customer_columns("") +
                         " FROM customers WHERE business_id = $1 AND " + column + " = $2",
                     {business, std::move(value)});
  if (r.rows() == 0) return std::nullopt;
  return read_customer(r, 0);
}

std::optional<core::Conversation> latest_conversation_where(pg::Connection& c,
                                                            const std::string& business,
                                                            const char* column, pg::Param value) {
  const auto r = run(c,
                     "SELECT " + codec::conversation_columns("") +
                         " FROM conversations WHERE business_id = $1 AND " + column +
                         " = $2 ORDER BY id DESC LIMIT 1",
                     {business, std::move(value)});
  if (r.rows() == 0) return std::nullopt;
  return read_conversation(r, 0);
}

}  // namespace

pg::QueryResult run(pg::Connection& c, std::string_view sql, const std::vector<pg::Param>& params) {
  auto r = c.exec(sql, params);
  if (!r) throw Failure(r.error());
  return std::move(r).value();
}

int64_t int64_at(const pg::QueryResult& r, int row, int column) {
  const auto v = r.int64(row, column);
  if (!v) throw bad_value("expected an integer in column " + std::to_string(column));
  return *v;
}

std::optional<int64_t> opt_int64_at(const pg::QueryResult& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return int64_at(r, row, column);
}

bool bool_at(const pg::QueryResult& r, int row, int column) {
  const std::string v = r.text(row, column);
  if (v != "t" && v != "f")
    throw bad_value("expected a boolean in column " + std::to_string(column));
  return v == "t";
}

core::Time time_at(const pg::QueryResult& r, int row, int column) {
  return core::from_millis(int64_at(r, row, column));
}

std::optional<core::Time> opt_time_at(const pg::QueryResult& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return time_at(r, row, column);
}

pg::Param time_param(core::Time t) { return core::to_millis(t); }

pg::Param opt_time_param(const std::optional<core::Time>& t) {
  if (!t) return std::nullopt;
  return core::to_millis(*t);
}

pg::Param opt_int64_param(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return *v;
}

pg::Param opt_double_param(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
  if (ec != std::errc()) throw bad_value("a number out of range");
  return std::string(buf, end);
}

std::optional<double> opt_double_at(const pg::QueryResult& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  const std::string text = r.text(row, column);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw bad_value("expected a number in column " + std::to_string(column));
  }
  return v;
}

std::optional<core::ChatId> migrated_chat(pg::Connection& c, const std::string& business,
                                          core::ChatId chat) {
  const auto r = run(c,
                     "SELECT new_chat_id FROM chat_migrations WHERE business_id = $1 AND "
                     "old_chat_id = $2",
                     {business, chat});
  if (r.rows() == 0) return std::nullopt;
  return int64_at(r, 0, 0);
}

core::Snapshot load_snapshot(pg::Connection& c, const std::string& business,
                             const core::Lookup& lookup) {
  core::Snapshot snap;
  if (lookup.chat_id) snap.customer = customer_where(c, business, "chat_id", *lookup.chat_id);
  if (!snap.customer && lookup.external_id) {
    snap.customer = customer_where(c, business, "external_id", *lookup.external_id);
  }
  if (snap.customer) {
    snap.conversation = latest_conversation_where(c, business, "customer_id", snap.customer->id);
  }
  if (lookup.transaction_id) {
    snap.transaction_conversation =
        latest_conversation_where(c, business, "transaction_id", *lookup.transaction_id);
  }
  if (lookup.business_connection_id) {
    const auto r = run(c,
                       "SELECT id, owner_user_id, enabled FROM business_connections "
                       "WHERE business_id = $1 AND id = $2",
                       {business, *lookup.business_connection_id});
    if (r.rows() > 0) {
      snap.business_connection =
          core::BusinessConnection{r.text(0, 0), int64_at(r, 0, 1), bool_at(r, 0, 2)};
    }
  }
  if (lookup.external_id) {
    const auto r = run(c,
                       "SELECT payload FROM pending_events WHERE business_id = $1 AND "
                       "external_id = $2 ORDER BY seq",
                       {business, *lookup.external_id});
    for (int i = 0; i < r.rows(); ++i) {
      try {
        snap.pending_events.push_back(codec::event_from_json(r.text(i, 0)));
      } catch (const std::runtime_error& e) {
        throw bad_value(e.what());
      }
    }
  }
  if (lookup.external_id) {
    const auto r = run(c,
                       "SELECT chat_id FROM customers WHERE business_id = $1 AND external_id = $2 "
                       "AND chat_id IS NOT NULL",
                       {business, *lookup.external_id});
    if (r.rows() > 0) snap.external_id_chat = int64_at(r, 0, 0);
  }
  if (lookup.owner_chats) {
    const auto r = run(c, "SELECT chat_id FROM owner_chats WHERE business_id = $1 ORDER BY chat_id",
                       {business});
    for (int i = 0; i < r.rows(); ++i) snap.owner_chats.push_back(int64_at(r, i, 0));
  }
  return snap;
}

void lock_state(pg::Connection& c, const std::string& business, const std::string& extra_key,
                const core::Lookup& lookup) {
  const auto named = [&](const char* kind, const std::string& value) -> pg::Param {
    return business + "\x1f" + kind + "\x1f" + value;
  };
  const auto optional = [&](const char* kind, const auto& value) -> pg::Param {
    if (!value) return std::nullopt;
    if constexpr (std::is_same_v<std::decay_t<decltype(*value)>, std::string>) {
      return named(kind, *value);
    } else {
      return named(kind, std::to_string(*value));
    }
  };
  run(c,
      "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h "
      "FROM (VALUES ($1), ($2), ($3), ($4), ($5)) AS v(k) WHERE k IS NOT NULL ORDER BY h) AS x",
      {extra_key.empty() ? pg::Param(std::nullopt) : named("key", extra_key),
       optional("chat", lookup.chat_id), optional("external", lookup.external_id),
       optional("transaction", lookup.transaction_id),
       optional("connection", lookup.business_connection_id)});
}

}  // namespace reviewbot::store::pg_detail
