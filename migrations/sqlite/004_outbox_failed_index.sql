-- Failed outbox rows, counted for /metrics without scanning the whole outbox.
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
