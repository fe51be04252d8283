-- The dashboard's named accounts (password_hash: scrypt, in the self-describing form
-- written by admin/passwords), their sessions (only a SHA-256 of the cookie's token is
-- stored) and failed logins per throttle key (an account or an address). Times are epoch
-- ms.
CREATE TABLE owner_accounts (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE owner_sessions (
  token_hash TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX owner_sessions_expiry ON owner_sessions (expires_at);
CREATE TABLE login_failures (
  throttle_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);
