-- Keys the service keeps for itself across restarts and instances, by name: link_secret
-- signs deep links when LINK_SECRET is not set. created_at is epoch ms.
CREATE TABLE service_keys (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
