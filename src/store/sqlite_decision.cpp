// Snapshot loading and Decision writing for SqliteStore::process.
#include <stdexcept>

#include "reviewbot/core/messages.h"
#include "sqlite_detail.h"

namespace reviewbot::store::sqlite_detail {
namespace {

std::string customer_query(const char* column) {
  return "SELECT " + customer_columns("") + " FROM customers WHERE " + column + " = ?";
}

std::string latest_conversation_query(const char* column) {
  return "SELECT " + conversation_columns("") + " FROM conversations WHERE " + column +
         " = ? ORDER BY id DESC LIMIT 1";
}

// The row of a customer_query / latest_conversation_query for `value`.
std::optional<core::Customer> customer_where(Connection& c, const std::string& query,
                                             const auto& value) {
  Stmt s = c.stmt(query);
  s->bind(1, value);
  if (!s->executeStep()) return std::nullopt;
  return read_customer(*s);
}

std::optional<core::Conversation> conversation_where(Connection& c, const std::string& query,
                                                     const auto& value) {
  Stmt s = c.stmt(query);
  s->bind(1, value);
  if (!s->executeStep()) return std::nullopt;
  return read_conversation(*s);
}

// Binds the customer's fields to parameters 1..9 and 11..12 (id excluded) and `now` to 10.
void bind_customer(SQLite::Statement& s, const core::Customer& cu, core::Time now) {
  bind_opt(s, 1, cu.chat_id);
  bind_opt(s, 2, cu.external_id);
  s.bind(3, cu.name);
  s.bind(4, cu.locale);
  s.bind(5, cu.opted_out ? 1 : 0);
  s.bind(6, cu.unreachable ? 1 : 0);
  s.bind(7, cu.started_bot ? 1 : 0);
  bind_opt(s, 8, cu.business_connection_id);
  bind_opt(s, 9, cu.last_request_at);
  bind_time(s, 10, now);
  s.bind(11, cu.telegram_name);
  s.bind(12, cu.username);
}

int64_t write_customer(Connection& c, const core::Customer& cu, core::Time now) {
  if (cu.external_id) {
    // An external id belongs to one customer: the latest link wins.
    Stmt clear = c.stmt(
        "UPDATE customers SET external_id = NULL, updated_at = ? "
        "WHERE external_id = ? AND id <> ?");
    bind_time(*clear, 1, now);
    clear->bind(2, *cu.external_id);
    clear->bind(3, static_cast<int64_t>(cu.id));
    clear->exec();
  }
  if (cu.id == 0) {
    Stmt s = c.stmt(
        "INSERT INTO customers (chat_id, external_id, name, locale, opted_out, unreachable, "
        "started_bot, business_connection_id, last_request_at, created_at, updated_at, "
        "telegram_name, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?10, ?10, ?11, ?12)");
    bind_customer(*s, cu, now);
    s->exec();
    return c.db().getLastInsertRowid();
  }
  Stmt s = c.stmt(
      "UPDATE customers SET chat_id = ?, external_id = ?, name = ?, locale = ?, opted_out = ?, "
      "unreachable = ?, started_bot = ?, business_connection_id = ?, last_request_at = ?, "
      "updated_at = ?, telegram_name = ?, username = ? WHERE id = ?13");
  bind_customer(*s, cu, now);
  s->bind(13, static_cast<int64_t>(cu.id));
  if (s->exec() != 1) throw std::runtime_error("customer " + std::to_string(cu.id) + " not found");
  return cu.id;
}

// Binds the conversation's fields to parameters 1..17 and 19..21 (id excluded) and `now`
// to 18.
void bind_conversation(SQLite::Statement& s, const core::Conversation& cv, int64_t customer_id,
                       core::Time now) {
  s.bind(1, static_cast<int64_t>(customer_id));
  s.bind(2, static_cast<int64_t>(cv.chat_id));
  bind_opt(s, 3, cv.business_connection_id);
  s.bind(4, core::to_string(cv.state));
  s.bind(5, core::to_string(cv.trigger));
  bind_opt(s, 6, cv.event_id);
  bind_opt(s, 7, cv.transaction_id);
  s.bind(8, cv.template_name);
  s.bind(9, cv.variant);
  s.bind(10, cv.locale);
  bind_time(s, 11, cv.requested_at);
  bind_time(s, 12, cv.expires_at);
  bind_opt(s, 13, cv.request_message_id);
  if (cv.rating) {
    s.bind(14, *cv.rating);
  } else {
    s.bind(14);
  }
  bind_opt(s, 15, cv.comment);
  bind_opt(s, 16, cv.comment_message_id);
  bind_opt(s, 17, cv.answered_at);
  bind_time(s, 18, now);
  if (cv.amount) {
    s.bind(19, *cv.amount);
  } else {
    s.bind(19);
  }
  s.bind(20, cv.currency);
  s.bind(21, codec::items_to_json(cv.items));
  bind_opt(s, 22, cv.prompt_message_id);
}

int64_t write_conversation(Connection& c, const core::Conversation& cv,
                           std::optional<int64_t> decision_customer_id, core::Time now) {
  int64_t customer_id = cv.customer_id;
  if (customer_id == 0) {
    if (!decision_customer_id) {
      throw std::runtime_error("conversation refers to the decision's customer, but there is none");
    }
    customer_id = *decision_customer_id;
  }
  if (cv.id == 0) {
    Stmt s = c.stmt(
        "INSERT INTO conversations (customer_id, chat_id, business_connection_id, state, "
        "trigger_type, event_id, transaction_id, template_name, variant, locale, requested_at, "
        "expires_at, request_message_id, rating, comment, comment_message_id, answered_at, "
        "created_at, updated_at, amount, currency, items, prompt_message_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?18, ?18, ?19, ?20, ?21, "
        "?22)");
    bind_conversation(*s, cv, customer_id, now);
    s->exec();
    return c.db().getLastInsertRowid();
  }
  Stmt s = c.stmt(
      "UPDATE conversations SET customer_id = ?, chat_id = ?, business_connection_id = ?, "
      "state = ?, trigger_type = ?, event_id = ?, transaction_id = ?, template_name = ?, "
      "variant = ?, locale = ?, requested_at = ?, expires_at = ?, request_message_id = ?, "
      "rating = ?, comment = ?, comment_message_id = ?, answered_at = ?, updated_at = ?, "
      "amount = ?, currency = ?, items = ?, prompt_message_id = ? WHERE id = ?23");
  bind_conversation(*s, cv, customer_id, now);
  s->bind(23, static_cast<int64_t>(cv.id));
  if (s->exec() != 1) {
    throw std::runtime_error("conversation " + std::to_string(cv.id) + " not found");
  }
  return cv.id;
}

void cancel_chat(Connection& c, core::ChatId chat) {
  Stmt s =
      c.stmt("UPDATE outbox SET status = 'cancelled' WHERE chat_id = ? AND status = 'pending'");
  s->bind(1, static_cast<int64_t>(chat));
  s->exec();
}

void cancel(Connection& c, const core::Cancellation& cancellation) {
  if (cancellation.conversation_id == 0) return;
  if (cancellation.kinds.empty()) {
    Stmt s = c.stmt(
        "UPDATE outbox SET status = 'cancelled' WHERE conversation_id = ? AND status = 'pending'");
    s->bind(1, static_cast<int64_t>(cancellation.conversation_id));
    s->exec();
    return;
  }
  for (core::MessageKind kind : cancellation.kinds) {
    Stmt s = c.stmt(
        "UPDATE outbox SET status = 'cancelled' "
        "WHERE conversation_id = ? AND kind = ? AND status = 'pending'");
    s->bind(1, static_cast<int64_t>(cancellation.conversation_id));
    s->bind(2, core::to_string(kind));
    s->exec();
  }
}

void insert_message(Connection& c, const core::OutgoingMessage& m,
                    std::optional<int64_t> inserted_conversation_id, core::Time now) {
  std::optional<int64_t> conversation_id = m.conversation_id;
  if (conversation_id == 0) {
    if (!inserted_conversation_id) {
      throw std::runtime_error(std::string("a ") + core::to_string(m.kind) +
                               " message refers to a new conversation, but none was created");
    }
    conversation_id = inserted_conversation_id;
  }
  const core::ChatId chat = core::chat_of(m.body);
  const std::optional<core::ChatId> moved =
      chat != 0 ? migrated_chat(c, chat) : std::optional<core::ChatId>();
  Stmt s = c.stmt(
      "INSERT INTO outbox (kind, chat_id, conversation_id, payload, due_at, next_attempt_at, "
      "created_at) VALUES (?, ?, ?, ?, ?5, ?5, ?)");
  s->bind(1, core::to_string(m.kind));
  s->bind(2, static_cast<int64_t>(moved.value_or(chat)));
  bind_opt(*s, 3, conversation_id);
  s->bind(4, core::outbox_payload(m, moved));
  bind_time(*s, 5, m.due_at);
  bind_time(*s, 6, now);
  s->exec();
}

void park(Connection& c, const core::TransactionEvent& event, core::Time now) {
  if (!event.external_id) {
    throw std::runtime_error("event " + event.id + " parked without an external_id");
  }
  Stmt s = c.stmt(
      "INSERT INTO pending_events (event_id, external_id, payload, created_at) VALUES (?, ?, ?, "
      "?)");
  s->bind(1, event.id);
  s->bind(2, *event.external_id);
  s->bind(3, event_to_json(event));
  bind_time(*s, 4, now);
  s->exec();
}

}  // namespace

core::Snapshot load_snapshot(Connection& c, const core::Lookup& lookup) {
  // Built once: statements are found by their text, on every input.
  static const std::string customer_by_chat = customer_query("chat_id");
  static const std::string customer_by_external_id = customer_query("external_id");
  static const std::string latest_of_customer = latest_conversation_query("customer_id");
  static const std::string latest_of_transaction = latest_conversation_query("transaction_id");
  core::Snapshot snap;
  if (lookup.chat_id) {
    snap.customer = customer_where(c, customer_by_chat, static_cast<int64_t>(*lookup.chat_id));
  }
  if (!snap.customer && lookup.external_id) {
    snap.customer = customer_where(c, customer_by_external_id, *lookup.external_id);
  }
  if (snap.customer) {
    snap.conversation =
        conversation_where(c, latest_of_customer, static_cast<int64_t>(snap.customer->id));
  }
  if (lookup.transaction_id) {
    snap.transaction_conversation =
        conversation_where(c, latest_of_transaction, *lookup.transaction_id);
  }
  if (lookup.business_connection_id) {
    Stmt s = c.stmt("SELECT id, owner_user_id, enabled FROM business_connections WHERE id = ?");
    s->bind(1, *lookup.business_connection_id);
    if (s->executeStep()) {
      snap.business_connection = core::BusinessConnection{
          s->getColumn(0).getString(), s->getColumn(1).getInt64(), s->getColumn(2).getInt() != 0};
    }
  }
  if (lookup.external_id) {
    Stmt s = c.stmt("SELECT payload FROM pending_events WHERE external_id = ? ORDER BY seq");
    s->bind(1, *lookup.external_id);
    while (s->executeStep()) snap.pending_events.push_back(event_from_json(s->getColumn(0)));
  }
  if (lookup.external_id) {
    Stmt s = c.stmt("SELECT chat_id FROM customers WHERE external_id = ? AND chat_id IS NOT NULL");
    s->bind(1, *lookup.external_id);
    if (s->executeStep()) snap.external_id_chat = s->getColumn(0).getInt64();
  }
  if (lookup.owner_chats) {
    Stmt s = c.stmt("SELECT chat_id FROM owner_chats ORDER BY chat_id");
    while (s->executeStep()) snap.owner_chats.push_back(s->getColumn(0).getInt64());
  }
  return snap;
}

void apply_decision(Connection& c, const core::Decision& d, const core::Snapshot& snapshot,
                    core::Time now) {
  if (d.business_connection) {
    Stmt s = c.stmt(
        "INSERT INTO business_connections (id, owner_user_id, enabled, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner_user_id = "
        "excluded.owner_user_id, "
        "enabled = excluded.enabled, updated_at = excluded.updated_at");
    s->bind(1, d.business_connection->id);
    s->bind(2, static_cast<int64_t>(d.business_connection->owner_user_id));
    s->bind(3, d.business_connection->enabled ? 1 : 0);
    bind_time(*s, 4, now);
    s->exec();
  }

  std::optional<int64_t> customer_id;
  if (snapshot.customer) customer_id = snapshot.customer->id;
  if (d.customer) customer_id = write_customer(c, *d.customer, now);

  std::optional<int64_t> inserted_conversation_id;
  if (d.conversation) {
    const int64_t id = write_conversation(c, *d.conversation, customer_id, now);
    if (d.conversation->id == 0) inserted_conversation_id = id;
  }

  // Before the inserts below, so rows created by this decision are never cancelled.
  for (const auto& cancellation : d.cancellations) cancel(c, cancellation);
  if (d.cancel_chat) cancel_chat(c, *d.cancel_chat);
  for (const auto& message : d.messages) insert_message(c, message, inserted_conversation_id, now);

  if (d.inbox_message) {
    if (!customer_id) throw std::runtime_error("an inbox message without a customer");
    Stmt s = c.stmt(
        "INSERT INTO inbox_messages (customer_id, chat_id, message_id, text, received_at) "
        "VALUES (?, ?, ?, ?, ?)");
    s->bind(1, static_cast<int64_t>(*customer_id));
    s->bind(2, static_cast<int64_t>(d.inbox_message->chat_id));
    s->bind(3, static_cast<int64_t>(d.inbox_message->message_id));
    s->bind(4, d.inbox_message->text);
    bind_time(*s, 5, now);
    s->exec();
  }
  if (d.owner_chat) {
    Stmt s = c.stmt(d.owner_chat->linked ? "INSERT INTO owner_chats (chat_id, linked_at) VALUES "
                                           "(?, ?) ON CONFLICT (chat_id) DO NOTHING"
                                         : "DELETE FROM owner_chats WHERE chat_id = ?");
    s->bind(1, static_cast<int64_t>(d.owner_chat->chat_id));
    if (d.owner_chat->linked) bind_time(*s, 2, now);
    s->exec();
  }
  if (d.park) park(c, *d.park, now);
  for (const auto& id : d.unparked_event_ids) {
    Stmt s = c.stmt("DELETE FROM pending_events WHERE event_id = ?");
    s->bind(1, id);
    s->exec();
  }
}

}  // namespace reviewbot::store::sqlite_detail
