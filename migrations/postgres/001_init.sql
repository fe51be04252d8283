-- Initial schema (PostgreSQL). Times are BIGINT epoch milliseconds (UTC). Every table and
-- every unique key starts with business_id: one database can hold several businesses
-- (bots); a store works for one of them. Platform ids (update_id, chat ids) are unique
-- only within a business.

CREATE TABLE customers (
  business_id TEXT NOT NULL,
  id BIGSERIAL PRIMARY KEY,
  chat_id BIGINT,
  external_id TEXT,
  name TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT '',
  opted_out BOOLEAN NOT NULL DEFAULT FALSE,
  unreachable BOOLEAN NOT NULL DEFAULT FALSE,
  started_bot BOOLEAN NOT NULL DEFAULT FALSE,
  business_connection_id TEXT,
  last_request_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (business_id, chat_id),
  UNIQUE (business_id, external_id)
);

CREATE TABLE business_connections (
  business_id TEXT NOT NULL,
  id TEXT NOT NULL,
  owner_user_id BIGINT NOT NULL,
  enabled BOOLEAN NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (business_id, id)
);

-- Dedup keys of POST /v1/events, with the outcome for operators.
CREATE TABLE events (
  business_id TEXT NOT NULL,
  id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL,
  PRIMARY KEY (business_id, id)
);

-- Dedup keys of Telegram updates.
CREATE TABLE processed_updates (
  business_id TEXT NOT NULL,
  update_id BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (business_id, update_id)
);

-- Transaction events waiting for their external_id to be linked to a chat.
CREATE TABLE pending_events (
  business_id TEXT NOT NULL,
  seq BIGSERIAL PRIMARY KEY,
  event_id TEXT NOT NULL,
  external_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (business_id, event_id)
);
CREATE INDEX pending_events_by_external_id ON pending_events (business_id, external_id, seq);

-- Review requests and their answers; a rated conversation is a review.
CREATE TABLE conversations (
  business_id TEXT NOT NULL,
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  chat_id BIGINT NOT NULL,
  business_connection_id TEXT,
  state TEXT NOT NULL
    CHECK (state IN ('awaiting_rating', 'awaiting_comment', 'done', 'cancelled')),
  trigger_type TEXT NOT NULL CHECK (trigger_type IN ('transaction.completed', 'thank_you')),
  event_id TEXT,
  transaction_id TEXT,
  template_name TEXT NOT NULL,
  variant TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT '',
  requested_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  request_message_id BIGINT,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  comment TEXT,
  comment_message_id BIGINT,
  answered_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX conversations_by_customer ON conversations (customer_id, id);
CREATE INDEX conversations_by_transaction ON conversations (business_id, transaction_id, id)
  WHERE transaction_id IS NOT NULL;
CREATE INDEX conversations_rated ON conversations (business_id, answered_at)
  WHERE rating IS NOT NULL;

-- Every outbound platform call. chat_id 0: not chat-ordered (callback answers).
-- claimed = TRUE while a dispatcher is sending the row (replaced in 006).
CREATE TABLE outbox (
  business_id TEXT NOT NULL,
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  chat_id BIGINT NOT NULL,
  conversation_id BIGINT REFERENCES conversations (id),
  payload TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed BOOLEAN NOT NULL DEFAULT FALSE,
  last_error TEXT,
  platform_message_id BIGINT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX outbox_pending_by_due ON outbox (business_id, due_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_by_chat ON outbox (business_id, chat_id, due_at, id)
  WHERE status = 'pending';
CREATE INDEX outbox_claimed_by_chat ON outbox (business_id, chat_id) WHERE claimed;
CREATE INDEX outbox_pending_by_conversation ON outbox (conversation_id, kind)
  WHERE status = 'pending';
CREATE INDEX outbox_sent_requests ON outbox (conversation_id)
  WHERE kind = 'request' AND status = 'sent';
