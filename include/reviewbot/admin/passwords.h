// Owner credentials: scrypt password hashes (OpenSSL), random tokens for sessions and
// CSRF, and the SHA-256 under which a session token is stored. A hash records its own
// parameters — "$scrypt$ln=14,r=8,p=5$<salt hex>$<key hex>" (N = 2^14, r = 8, p = 5:
// 16 MiB and about 0.1 s per hash, OWASP's equivalent of N = 2^17, p = 1 at an eighth of
// the memory) — so they can be raised later without breaking stored hashes. Hashing runs
// one at a time in the process, which bounds the memory a flood of logins can take.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "reviewbot/core/result.h"

namespace reviewbot::admin {

// Passwords shorter than this are refused when an account is created.
inline constexpr std::size_t kMinPasswordBytes = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// A new salted hash of `password`.
core::Result<std::string> hash_password(std::string_view password);

// True when `password` matches `encoded` (constant-time comparison of the derived keys).
// False for a malformed hash.
bool verify_password(std::string_view password, std::string_view encoded);

// `bytes` random bytes (OpenSSL's CSPRNG) as lower-case hex; an error when the generator
// fails (a session is never made from a weak token).
core::Result<std::string> random_token(std::size_t bytes = 32);

// Lower-case hex SHA-256 of `token`.
std::string token_hash(std::string_view token);

}  // namespace reviewbot::admin
