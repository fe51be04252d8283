// SqliteStore's chat migrations: moving a chat the platform migrated, and redirecting
// messages written later for the old chat.
#include <SQLiteCpp/Transaction.h>

#include "reviewbot/core/messages.h"
#include "reviewbot/store/sqlite_store.h"
#include "sqlite_detail.h"

namespace reviewbot::store {

using sqlite_detail::Connection;
using sqlite_detail::Stmt;

namespace {

// Points every pending outbox row of `old_chat` (column and payload) at `new_chat`. A row
// whose payload cannot be decoded keeps its chat; claim_due fails it.
void move_pending_rows(Connection& c, core::ChatId old_chat, core::ChatId new_chat) {
  std::vector<std::pair<int64_t, std::string>> moved;
  {
    Stmt s = c.stmt("SELECT id, payload FROM outbox WHERE chat_id = ? AND status = 'pending'");
    s->bind(1, static_cast<int64_t>(old_chat));
    while (s->executeStep()) {
      auto body = core::message_body_from_json(s->getColumn(1).getString());
      if (!body) continue;
      core::set_chat(*body, new_chat);
      moved.emplace_back(s->getColumn(0).getInt64(), core::to_json(*body));
    }
  }
  for (const auto& [id, payload] : moved) {
    Stmt s = c.stmt("UPDATE outbox SET chat_id = ?, payload = ? WHERE id = ?");
    s->bind(1, static_cast<int64_t>(new_chat));
    s->bind(2, payload);
    s->bind(3, static_cast<int64_t>(id));
    s->exec();
  }
}

}  // namespace

namespace sqlite_detail {

std::optional<core::ChatId> migrated_chat(Connection& c, core::ChatId chat) {
  Stmt s = c.stmt("SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = ?");
  s->bind(1, static_cast<int64_t>(chat));
  if (!s->executeStep()) return std::nullopt;
  return s->getColumn(0).getInt64();
}

}  // namespace sqlite_detail

core::Status SqliteStore::migrate_chat(core::ChatId old_chat, core::ChatId new_chat,
                                       core::Time now) {
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    // Stored targets are final, so one step resolves a chain.
    const core::ChatId target = sqlite_detail::migrated_chat(c, new_chat).value_or(new_chat);
    if (target == old_chat || old_chat == 0 || target == 0) {
      return core::Error{"chat " + std::to_string(old_chat) + " cannot migrate to " +
                         std::to_string(new_chat)};
    }
    {
      Stmt s = c.stmt(
          "INSERT INTO chat_migrations (old_chat_id, new_chat_id, migrated_at) VALUES (?, ?, ?) "
          "ON CONFLICT (old_chat_id) DO UPDATE SET new_chat_id = excluded.new_chat_id, "
          "migrated_at = excluded.migrated_at");
      s->bind(1, static_cast<int64_t>(old_chat));
      s->bind(2, static_cast<int64_t>(target));
      sqlite_detail::bind_time(*s, 3, now);
      s->exec();
    }
    {
      Stmt s = c.stmt("UPDATE chat_migrations SET new_chat_id = ? WHERE new_chat_id = ?");
      s->bind(1, static_cast<int64_t>(target));
      s->bind(2, static_cast<int64_t>(old_chat));
      s->exec();
    }
    {
      // chat_id is unique: a customer already on the target chat keeps it.
      Stmt s =
          c.stmt("UPDATE OR IGNORE customers SET chat_id = ?, updated_at = ? WHERE chat_id = ?");
      s->bind(1, static_cast<int64_t>(target));
      sqlite_detail::bind_time(*s, 2, now);
      s->bind(3, static_cast<int64_t>(old_chat));
      s->exec();
    }
    {
      Stmt s = c.stmt("UPDATE conversations SET chat_id = ?, updated_at = ? WHERE chat_id = ?");
      s->bind(1, static_cast<int64_t>(target));
      sqlite_detail::bind_time(*s, 2, now);
      s->bind(3, static_cast<int64_t>(old_chat));
      s->exec();
    }
    move_pending_rows(c, old_chat, target);
    tx.commit();
    return core::ok_status();
  } catch (const std::exception& e) {
    return core::Error{"migrating chat " + std::to_string(old_chat) + " to " +
                       std::to_string(new_chat) + " failed: " + e.what()};
  }
}

}  // namespace reviewbot::store
