// Deep links that tie a shop's external customer id to a Telegram chat: POST /v1/links
// makes a signed /start parameter; the engine verifies it when the customer opens the link.
// Pure functions (HMAC-SHA256 from OpenSSL); thread-safe.
#pragma once

#include <optional>
#include <string>

#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::core {

// Longest external id that fits a 64-character start parameter with its signature.
inline constexpr std::size_t kMaxLinkExternalIdBytes = 39;

// base64url(external_id) followed by a 12-character base64url HMAC tag. Result uses only
// A-Za-z0-9_- and is at most 64 characters. Error when external_id is empty or too long.
Result<std::string> make_start_parameter(const std::string& secret, const std::string& external_id);

// The external id, when `parameter` was made with `secret`; nullopt for anything else.
std::optional<std::string> verify_start_parameter(const std::string& secret,
                                                  const std::string& parameter);

// The owner deep link's parameter: "o", the expiry (seconds, base64url) and a tag signed
// apart from customer links, so neither kind verifies as the other. 24 characters.
Result<std::string> make_owner_parameter(const std::string& secret, Time expires);

// True when `parameter` was made with `secret` and has not expired at `now`.
bool verify_owner_parameter(const std::string& secret, const std::string& parameter, Time now);

}  // namespace reviewbot::core
