-- Initial schema. Times are INTEGER epoch milliseconds (UTC); booleans are 0/1.

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  chat_id INTEGER UNIQUE,
  external_id TEXT UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT '',
  opted_out INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
  unreachable INTEGER NOT NULL DEFAULT 0 CHECK (unreachable IN (0, 1)),
  started_bot INTEGER NOT NULL DEFAULT 0 CHECK (started_bot IN (0, 1)),
  business_connection_id TEXT,
  last_request_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE business_connections (
  id TEXT PRIMARY KEY,
  owner_user_id INTEGER NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  updated_at INTEGER NOT NULL
);

-- Dedup keys of POST /v1/events, with the outcome for operators.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  received_at INTEGER NOT NULL
);

-- Dedup keys of Telegram updates.
CREATE TABLE processed_updates (
  update_id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL
);

-- Transaction events waiting for their external_id to be linked to a chat.
CREATE TABLE pending_events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  external_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX pending_events_by_external_id ON pending_events (external_id, seq);

-- Review requests and their answers; a rated conversation is a review.
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  chat_id INTEGER NOT NULL,
  business_connection_id TEXT,
  state TEXT NOT NULL
    CHECK (state IN ('awaiting_rating', 'awaiting_comment', 'done', 'cancelled')),
  trigger_type TEXT NOT NULL CHECK (trigger_type IN ('transaction.completed', 'thank_you')),
  event_id TEXT,
  transaction_id TEXT,
  template_name TEXT NOT NULL,
  variant TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT '',
  requested_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  request_message_id INTEGER,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  comment TEXT,
  comment_message_id INTEGER,
  answered_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX conversations_by_customer ON conversations (customer_id, id);
CREATE INDEX conversations_by_transaction ON conversations (transaction_id, id)
  WHERE transaction_id IS NOT NULL;
CREATE INDEX conversations_rated ON conversations (answered_at) WHERE rating IS NOT NULL;

-- Every outbound platform call. chat_id 0: not chat-ordered (callback answers).
-- claimed = 1 while a dispatcher is sending the row.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  chat_id INTEGER NOT NULL,
  conversation_id INTEGER REFERENCES conversations (id),
  payload TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed INTEGER NOT NULL DEFAULT 0 CHECK (claimed IN (0, 1)),
  last_error TEXT,
  platform_message_id INTEGER,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
-- claim_due: due pending rows in order, a chat's head row, chats with a row in flight.
CREATE INDEX outbox_pending_by_due ON outbox (due_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_by_chat ON outbox (chat_id, due_at, id) WHERE status = 'pending';
CREATE INDEX outbox_claimed_by_chat ON outbox (chat_id) WHERE claimed = 1;
-- Cancellations by conversation, and stats.
CREATE INDEX outbox_pending_by_conversation ON outbox (conversation_id, kind)
  WHERE status = 'pending';
CREATE INDEX outbox_sent_requests ON outbox (conversation_id)
  WHERE kind = 'request' AND status = 'sent';
