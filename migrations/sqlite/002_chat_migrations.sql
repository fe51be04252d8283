-- Chats the platform moved (Telegram: a group upgraded to a supergroup answers with
-- migrate_to_chat_id). new_chat_id is always the final chat: chains a → b → c are stored
-- as a → c and b → c. Outbox rows written later for an old chat go to its new chat.
CREATE TABLE chat_migrations (
  old_chat_id INTEGER PRIMARY KEY,
  new_chat_id INTEGER NOT NULL,
  migrated_at INTEGER NOT NULL
);
