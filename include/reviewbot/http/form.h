// What HTML pages send: application/x-www-form-urlencoded bodies (and query strings, which
// have the same form) and Cookie headers.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reviewbot/http/route.h"

namespace reviewbot::http {

// The fields of a form body ("a=1&b=x+y%21"): '+' is a space, %XX a byte; a malformed
// escape is kept as written. Fields without '=' have an empty value.
Params parse_form(std::string_view body);

// Percent-decodes `text` (%XX is a byte; a malformed escape is kept as written); with
// plus_is_space, as in forms and query strings, '+' is a space.
std::string percent_decode(std::string_view text, bool plus_is_space);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace reviewbot::http
