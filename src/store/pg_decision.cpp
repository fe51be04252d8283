// PgStore's writes of a Decision, and chat moves.
#include "pg_detail.h"
#include "reviewbot/core/messages.h"
#include "row_codec.h"

namespace reviewbot::store::pg_detail {

namespace {

Failure logic_error(const std::string& what) {
  return Failure(pg::Error{pg::ErrorCode::kOther, "", what});
}

int64_t write_customer(pg::Connection& c, const std::string& business, const core::Customer& cu,
                       core::Time now) {
  if (cu.external_id) {
    // An external id belongs to one customer: the latest link wins.
    run(c,
        "UPDATE customers SET external_id = NULL, updated_at = $3 "
        "WHERE business_id = $1 AND external_id = $2 AND id <> $4",
        {business, *cu.external_id, core::to_millis(now), cu.id});
  }
  std::vector<pg::Param> params = {business,
                                   opt_int64_param(cu.chat_id),
                                   cu.external_id,
                                   cu.name,
                                   cu.locale,
                                   cu.opted_out,
                                   cu.unreachable,
                                   cu.started_bot,
                                   cu.business_connection_id,
                                   opt_time_param(cu.last_request_at),
                                   core::to_millis(now),
                                   cu.telegram_name,
                                   cu.username};
  if (cu.id == 0) {
    const auto r = run(c,
                       "INSERT INTO customers (business_id, chat_id, external_id, name, locale, "
                       "opted_out, unreachable, started_bot, business_connection_id, "
                       "last_request_at, created_at, updated_at, telegram_name, username) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13) "
                       "RETURNING id",
                       params);
    return int64_at(r, 0, 0);
  }
  params.emplace_back(cu.id);
  const auto r = run(c,
                     "UPDATE customers SET chat_id = $2, external_id = $3, name = $4, locale = $5, "
                     "opted_out = $6, unreachable = $7, started_bot = $8, "
                     "business_connection_id = $9, last_request_at = $10, updated_at = $11, "
                     "telegram_name = $12, username = $13 WHERE business_id = $1 AND id = $14",
                     params);
  if (r.affected_rows() != 1) throw logic_error("customer " + std::to_string(cu.id) + " not found");
  return cu.id;
}

int64_t write_conversation(pg::Connection& c, const std::string& business,
                           const core::Conversation& cv, std::optional<int64_t> decision_customer,
                           core::Time now) {
  int64_t customer_id = cv.customer_id;
  if (customer_id == 0) {
    if (!decision_customer) {
      throw logic_error("conversation refers to the decision's customer, but there is none");
    }
    customer_id = *decision_customer;
  }
  std::optional<int64_t> rating;
  if (cv.rating) rating = *cv.rating;
  std::vector<pg::Param> params = {business,
                                   customer_id,
                                   cv.chat_id,
                                   cv.business_connection_id,
                                   core::to_string(cv.state),
                                   core::to_string(cv.trigger),
                                   cv.event_id,
                                   cv.transaction_id,
                                   cv.template_name,
                                   cv.variant,
                                   cv.locale,
                                   core::to_millis(cv.requested_at),
                                   core::to_millis(cv.expires_at),
                                   opt_int64_param(cv.request_message_id),
                                   opt_int64_param(rating),
                                   cv.comment,
                                   opt_int64_param(cv.comment_message_id),
                                   opt_time_param(cv.answered_at),
                                   core::to_millis(now),
                                   opt_double_param(cv.amount),
                                   cv.currency,
                                   codec::items_to_json(cv.items),
                                   opt_int64_param(cv.prompt_message_id)};
  if (cv.id == 0) {
    const auto r = run(c,
                       "INSERT INTO conversations (business_id, customer_id, chat_id, "
                       "business_connection_id, state, trigger_type, event_id, transaction_id, "
                       "template_name, variant, locale, requested_at, expires_at, "
                       "request_message_id, rating, comment, comment_message_id, answered_at, "
                       "created_at, updated_at, amount, currency, items, prompt_message_id) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                       "$15, $16, $17, $18, $19, $19, $20, $21, $22, $23) RETURNING id",
                       params);
    return int64_at(r, 0, 0);
  }
  params.emplace_back(cv.id);
  const auto r = run(c,
                     "UPDATE conversations SET customer_id = $2, chat_id = $3, "
                     "business_connection_id = $4, state = $5, trigger_type = $6, event_id = $7, "
                     "transaction_id = $8, template_name = $9, variant = $10, locale = $11, "
                     "requested_at = $12, expires_at = $13, request_message_id = $14, "
                     "rating = $15, comment = $16, comment_message_id = $17, answered_at = $18, "
                     "updated_at = $19, amount = $20, currency = $21, items = $22, "
                     "prompt_message_id = $23 WHERE business_id = $1 AND id = $24",
                     params);
  if (r.affected_rows() != 1) {
    throw logic_error("conversation " + std::to_string(cv.id) + " not found");
  }
  return cv.id;
}

void cancel(pg::Connection& c, const std::string& business, const core::Cancellation& x) {
  if (x.conversation_id == 0) return;
  if (x.kinds.empty()) {
    run(c,
        "UPDATE outbox SET status = 'cancelled' WHERE business_id = $1 AND conversation_id = $2 "
        "AND status = 'pending'",
        {business, x.conversation_id});
    return;
  }
  for (core::MessageKind kind : x.kinds) {
    run(c,
        "UPDATE outbox SET status = 'cancelled' WHERE business_id = $1 AND conversation_id = $2 "
        "AND kind = $3 AND status = 'pending'",
        {business, x.conversation_id, core::to_string(kind)});
  }
}

void insert_message(pg::Connection& c, const std::string& business, const core::OutgoingMessage& m,
                    std::optional<int64_t> inserted_conversation, core::Time now) {
  std::optional<int64_t> conversation_id = m.conversation_id;
  if (conversation_id == 0) {
    if (!inserted_conversation) {
      throw logic_error(std::string("a ") + core::to_string(m.kind) +
                        " message refers to a new conversation, but none was created");
    }
    conversation_id = inserted_conversation;
  }
  const core::ChatId chat = core::chat_of(m.body);
  const std::optional<core::ChatId> moved =
      chat != 0 ? migrated_chat(c, business, chat) : std::optional<core::ChatId>();
  run(c,
      "INSERT INTO outbox (business_id, kind, chat_id, conversation_id, payload, due_at, "
      "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
      {business, core::to_string(m.kind), moved.value_or(chat), opt_int64_param(conversation_id),
       core::outbox_payload(m, moved), core::to_millis(m.due_at), core::to_millis(now)});
}

// Points every pending outbox row of `old_chat` (column and payload) at `new_chat`. A row
// whose payload cannot be decoded keeps its chat; claim_due fails it.
void move_pending_rows(pg::Connection& c, const std::string& business, core::ChatId old_chat,
                       core::ChatId new_chat) {
  const auto r = run(c,
                     "SELECT id, payload FROM outbox WHERE business_id = $1 AND chat_id = $2 "
                     "AND status = 'pending' FOR UPDATE",
                     {business, old_chat});
  for (int i = 0; i < r.rows(); ++i) {
    auto body = core::message_body_from_json(r.text(i, 1));
    if (!body) continue;
    core::set_chat(*body, new_chat);
    run(c, "UPDATE outbox SET chat_id = $2, payload = $3 WHERE id = $1",
        {int64_at(r, i, 0), new_chat, core::to_json(*body)});
  }
}

}  // namespace

void apply_decision(pg::Connection& c, const std::string& business, const core::Decision& d,
                    const core::Snapshot& snapshot, core::Time now) {
  if (d.business_connection) {
    run(c,
        "INSERT INTO business_connections (business_id, id, owner_user_id, enabled, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (business_id, id) DO UPDATE SET "
        "owner_user_id = excluded.owner_user_id, enabled = excluded.enabled, "
        "updated_at = excluded.updated_at",
        {business, d.business_connection->id, d.business_connection->owner_user_id,
         d.business_connection->enabled, core::to_millis(now)});
  }

  std::optional<int64_t> customer_id;
  if (snapshot.customer) customer_id = snapshot.customer->id;
  if (d.customer) customer_id = write_customer(c, business, *d.customer, now);

  std::optional<int64_t> inserted_conversation;
  if (d.conversation) {
    const int64_t id = write_conversation(c, business, *d.conversation, customer_id, now);
    if (d.conversation->id == 0) inserted_conversation = id;
  }

  // Before the inserts below, so rows created by this decision are never cancelled.
  for (const auto& cancellation : d.cancellations) cancel(c, business, cancellation);
  if (d.cancel_chat) {
    run(c,
        "UPDATE outbox SET status = 'cancelled' WHERE business_id = $1 AND chat_id = $2 "
        "AND status = 'pending'",
        {business, *d.cancel_chat});
  }
  for (const auto& m : d.messages) insert_message(c, business, m, inserted_conversation, now);

  if (d.park) {
    if (!d.park->external_id) {
      throw logic_error("event " + d.park->id + " parked without an external_id");
    }
    run(c,
        "INSERT INTO pending_events (business_id, event_id, external_id, payload, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {business, d.park->id, *d.park->external_id, codec::event_to_json(*d.park),
         core::to_millis(now)});
  }
  for (const auto& id : d.unparked_event_ids) {
    run(c, "DELETE FROM pending_events WHERE business_id = $1 AND event_id = $2", {business, id});
  }
  if (d.inbox_message) {
    if (!customer_id) throw logic_error("an inbox message without a customer");
    run(c,
        "INSERT INTO inbox_messages (business_id, customer_id, chat_id, message_id, text, "
        "received_at) VALUES ($1, $2, $3, $4, $5, $6)",
        {business, *customer_id, d.inbox_message->chat_id, d.inbox_message->message_id,
         d.inbox_message->text, core::to_millis(now)});
  }
  if (d.owner_chat) {
    if (d.owner_chat->linked) {
      run(c,
          "INSERT INTO owner_chats (business_id, chat_id, linked_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (business_id, chat_id) DO NOTHING",
          {business, d.owner_chat->chat_id, core::to_millis(now)});
    } else {
      run(c, "DELETE FROM owner_chats WHERE business_id = $1 AND chat_id = $2",
          {business, d.owner_chat->chat_id});
    }
  }
}

void migrate_chat(pg::Connection& c, const std::string& business, core::ChatId old_chat,
                  core::ChatId new_chat, core::Time now) {
  // Stored targets are final, so one step resolves a chain.
  const core::ChatId target = migrated_chat(c, business, new_chat).value_or(new_chat);
  if (target == old_chat || old_chat == 0 || target == 0) {
    throw logic_error("chat " + std::to_string(old_chat) + " cannot migrate to " +
                      std::to_string(new_chat));
  }
  run(c,
      "INSERT INTO chat_migrations (business_id, old_chat_id, new_chat_id, migrated_at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (business_id, old_chat_id) DO UPDATE SET "
      "new_chat_id = excluded.new_chat_id, migrated_at = excluded.migrated_at",
      {business, old_chat, target, core::to_millis(now)});
  run(c, "UPDATE chat_migrations SET new_chat_id = $2 WHERE business_id = $1 AND new_chat_id = $3",
      {business, target, old_chat});
  // chat_id is unique per business: a customer already on the target chat keeps it.
  run(c,
      "UPDATE customers SET chat_id = $2, updated_at = $4 WHERE business_id = $1 AND "
      "chat_id = $3 AND NOT EXISTS (SELECT 1 FROM customers t WHERE t.business_id = $1 "
      "AND t.chat_id = $2)",
      {business, target, old_chat, core::to_millis(now)});
  run(c,
      "UPDATE conversations SET chat_id = $2, updated_at = $4 WHERE business_id = $1 AND "
      "chat_id = $3",
      {business, target, old_chat, core::to_millis(now)});
  move_pending_rows(c, business, old_chat, target);
}

}  // namespace reviewbot::store::pg_detail
