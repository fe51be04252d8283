-- The dashboard's named accounts (password_hash: scrypt, in the self-describing form
-- written by admin/passwords), their sessions (only a SHA-256 of the cookie's token is
-- stored) and failed logins per throttle key (an account or an address), per business.
-- Times are epoch ms.
CREATE TABLE owner_accounts (
  business_id TEXT NOT NULL,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (business_id, name)
);
CREATE TABLE owner_sessions (
  business_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  account TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (business_id, token_hash)
);
CREATE INDEX owner_sessions_expiry ON owner_sessions (business_id, expires_at);
CREATE TABLE login_failures (
  business_id TEXT NOT NULL,
  throttle_key TEXT NOT NULL,
  failures INTEGER NOT NULL,
  window_start BIGINT NOT NULL,
  PRIMARY KEY (business_id, throttle_key)
);
