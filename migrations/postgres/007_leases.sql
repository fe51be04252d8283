-- Named leases held by one instance at a time, e.g. 'sender': the instance of a business
-- that sends its outbox. A lease is held until `until` (epoch ms) unless its holder renews
-- it; then any instance may take it.
CREATE TABLE leases (
  business_id TEXT NOT NULL,
  name TEXT NOT NULL,
  holder TEXT NOT NULL,
  until BIGINT NOT NULL,
  PRIMARY KEY (business_id, name)
);
