// Credential checks for the HTTP endpoints: constant-time comparison, bearer tokens and
// HMAC-SHA256 body signatures (OpenSSL). Pure functions; thread-safe. Callers never log
// the values passed here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reviewbot::http {

// True when a == b. Equal lengths compare in time independent of the contents
// (CRYPTO_memcmp); a length mismatch still performs a comparison of the same cost as
// `a` against itself, so timing reveals at most the length.
bool constant_time_equals(std::string_view a, std::string_view b);

// The token of an "Authorization: Bearer <token>" header value (scheme case-insensitive,
// surrounding spaces ignored); nullopt when the value is not a bearer credential.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// True when `authorization` carries exactly `expected` as its bearer token. Always false
// when `expected` is empty.
bool bearer_matches(std::string_view authorization, std::string_view expected);

// Lower-case hex HMAC-SHA256 of `body` under `secret`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

// True when `signature` is "sha256=<hex>" (hex in either case) and matches the HMAC of
// `body` under `secret`. Always false when `secret` is empty.
bool signature_matches(std::string_view signature, std::string_view secret, std::string_view body);

}  // namespace reviewbot::http
