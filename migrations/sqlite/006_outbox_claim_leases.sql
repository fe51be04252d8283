-- Outbox claims get an owner and a lease, so several processes can share one outbox: a
-- row is claimed while claimed_by is set; the claim is live until lease_until (epoch ms),
-- which its owner renews while the row is in flight. An expired claim is taken over by
-- another instance. Claims left by a process before this migration had no owner: they
-- become expired claims of the unknown owner '' and are settled at the next start.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
UPDATE outbox SET claimed_by = '', lease_until = 0 WHERE claimed = 1;
DROP INDEX outbox_claimed_by_chat;
ALTER TABLE outbox DROP COLUMN claimed;
CREATE INDEX outbox_claimed_by_chat ON outbox (chat_id) WHERE claimed_by IS NOT NULL;
CREATE INDEX outbox_claims ON outbox (claimed_by, lease_until) WHERE claimed_by IS NOT NULL;
