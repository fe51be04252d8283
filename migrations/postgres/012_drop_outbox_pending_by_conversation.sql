-- Cancelling a conversation's pending rows finds them through outbox_by_conversation
-- (a conversation has a handful of rows), so this index only cost every pending insert
-- and every status change an index update.
DROP INDEX outbox_pending_by_conversation;
