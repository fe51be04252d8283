-- Named leases held by one instance at a time, e.g. 'sender': the instance that sends the
-- outbox. A lease is held until `until` (epoch ms) unless its holder renews it; then any
-- instance may take it.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until INTEGER NOT NULL
);
