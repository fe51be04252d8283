-- Keys the service keeps for itself across restarts and instances, by name and business:
-- link_secret signs deep links when LINK_SECRET is not set. created_at is epoch ms.
CREATE TABLE service_keys (
  business_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (business_id, name)
);
