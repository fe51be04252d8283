// Checks of single configuration values (URLs, secrets, numbers, names, durations) for the
// variable table in config.cpp. Each returns an error naming the accepted form but not the
// variable, which config::load prefixes. Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "reviewbot/config/config.h"
#include "reviewbot/core/result.h"

namespace reviewbot::config::values {

// `s` in double quotes, for error messages.
std::string in_quotes(std::string_view s);
bool has_space_or_control(std::string_view s);
bool starts_with(const std::string& s, std::string_view prefix);

// http(s)://host[...] with no spaces; error text names the accepted form.
core::Status check_http_url(const std::string& value, const char* example);
std::string without_trailing_slashes(std::string s);
// No spaces, line breaks or control characters; the error never shows the value.
core::Status check_secret(const std::string& value);
core::Status check_one_of(const std::string& value, std::initializer_list<const char*> allowed,
                          const char* what);

// A whole number in [lo, hi]; the error names the range.
core::Status set_int(int& out, const std::string& value, int lo, int hi, const char* what);
core::Status set_duration(core::Duration& out, const std::string& value);
// Up to max_size of A-Z, a-z, 0-9 and the characters in `punctuation`.
core::Status set_name(std::string& out, const std::string& value, std::size_t max_size,
                      std::string_view punctuation, const char* what);

}  // namespace reviewbot::config::values
