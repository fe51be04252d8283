-- The owner's side. Customers keep the shop's name (`name`, from events) apart from the
-- Telegram profile's name and @username; a conversation keeps the sale it asks about
-- (amount, currency, items as a JSON array of {"name","category"}) and when the owner
-- handled it; owner_chats are the chats linked with the dashboard's owner link;
-- inbox_messages are customers' messages that answer nothing, for the owner's inbox.
-- Times are epoch ms.
ALTER TABLE customers ADD COLUMN telegram_name TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN username TEXT NOT NULL DEFAULT '';
-- Until now a chat update overwrote `name` with the Telegram profile's name, so in a chat
-- that wrote to the bot `name` is Telegram's; the next sale gives the shop's name back.
UPDATE customers SET telegram_name = name, name = ''
  WHERE started_bot = 1 OR business_connection_id IS NOT NULL;

ALTER TABLE conversations ADD COLUMN amount REAL;
ALTER TABLE conversations ADD COLUMN currency TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN items TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN handled_at INTEGER;
ALTER TABLE conversations ADD COLUMN handled_by TEXT;
CREATE INDEX conversations_low_unhandled ON conversations (answered_at)
  WHERE rating <= 2 AND handled_at IS NULL;

CREATE TABLE owner_chats (
  chat_id INTEGER PRIMARY KEY,
  linked_at INTEGER NOT NULL
);

CREATE TABLE inbox_messages (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  chat_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  handled_at INTEGER,
  handled_by TEXT
);
CREATE INDEX inbox_unhandled ON inbox_messages (received_at) WHERE handled_at IS NULL;

-- A review's timeline (every row of its conversation) and the owner's replies to a chat.
CREATE INDEX outbox_by_conversation ON outbox (conversation_id, id)
  WHERE conversation_id IS NOT NULL;
CREATE INDEX outbox_owner_replies ON outbox (chat_id, id) WHERE kind = 'owner_reply';
