-- Recent sends by time, so a restarted dispatcher restores the last second's send-rate
-- window (Store::sent_since) without scanning the outbox.
CREATE INDEX outbox_sent_at ON outbox (business_id, sent_at) WHERE status = 'sent';
