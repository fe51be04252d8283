// Checks of single configuration values, shared by the variable table in config.cpp.
#include "config_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace reviewbot::config {

using core::Error;
using core::Status;

namespace values {

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool has_space_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix;
}

Status check_http_url(const std::string& value, const char* example) {
  const std::string form = std::string(" (use an http:// or https:// URL, e.g. ") + example + ")";
  std::size_t host = 0;
  if (starts_with(value, "http://")) {
    host = 7;
  } else if (starts_with(value, "https://")) {
    host = 8;
  } else {
    return Error{in_quotes(value) + " is not an http(s) URL" + form};
  }
  if (value.size() == host || value[host] == '/' || value[host] == ':' ||
      has_space_or_control(value)) {
    return Error{in_quotes(value) + " is not a valid URL" + form};
  }
  return core::ok_status();
}

std::string without_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

Status check_secret(const std::string& value) {
  if (has_space_or_control(value)) {
    return Error{"must not contain spaces, line breaks or control characters"};
  }
  return core::ok_status();
}

Status check_one_of(const std::string& value, std::initializer_list<const char*> allowed,
                    const char* what) {
  std::string list;
  std::size_t i = 0;
  for (const char* a : allowed) {
    if (value == a) return core::ok_status();
    if (i > 0) list += (i + 1 == allowed.size()) ? " or " : ", ";
    list += a;
    ++i;
  }
  return Error{in_quotes(value) + " is not " + what + " (use " + list + ")"};
}

Status set_int(int& out, const std::string& value, int lo, int hi, const char* what) {
  int n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < lo || n > hi) {
    return Error{in_quotes(value) + " is not " + what + " (use " + std::to_string(lo) + "-" +
                 std::to_string(hi) + ")"};
  }
  out = n;
  return core::ok_status();
}

Status set_duration(core::Duration& out, const std::string& value) {
  auto d = parse_duration(value);
  if (!d) return d.error();
  out = *d;
  return core::ok_status();
}

Status set_name(std::string& out, const std::string& value, std::size_t max_size,
                std::string_view punctuation, const char* what) {
  const bool valid =
      value.size() <= max_size && std::all_of(value.begin(), value.end(), [&](unsigned char ch) {
        return std::isalnum(ch) ||
               punctuation.find(static_cast<char>(ch)) != std::string_view::npos;
      });
  if (!valid) {
    std::string allowed;
    for (const char p : punctuation) allowed += std::string(" ") + p;
    return Error{in_quotes(value) + " is not " + what + " (use up to " + std::to_string(max_size) +
                 " of A-Z a-z 0-9" + allowed + ")"};
  }
  out = value;
  return core::ok_status();
}

}  // namespace values

using values::in_quotes;

core::Result<core::Duration> parse_duration(const std::string& text) {
  const std::string form = " (use a number with s, m, h or d, e.g. 90s, 2h, 3d)";
  if (text == "0") return core::Duration{0};
  if (text.empty()) return Error{"an empty value is not a duration" + form};
  if (text[0] == '-') return Error{in_quotes(text) + " is negative" + form};
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || text.size() > digits + 1) {
    return Error{in_quotes(text) + " is not a duration" + form};
  }
  if (text.size() == digits) return Error{in_quotes(text) + " has no unit" + form};
  int64_t unit_ms = 0;
  switch (text.back()) {
    case 's':
      unit_ms = 1000;
      break;
    case 'm':
      unit_ms = 60 * 1000;
      break;
    case 'h':
      unit_ms = 60 * 60 * 1000;
      break;
    case 'd':
      unit_ms = 24 * 60 * 60 * 1000;
      break;
    default:
      return Error{in_quotes(text) + " is not a duration" + form};
  }
  // Capped so that time arithmetic on it can never overflow.
  constexpr int64_t kMaxMs = int64_t{36500} * 24 * 60 * 60 * 1000;
  int64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, count);
  if (ec != std::errc() || count > kMaxMs / unit_ms) {
    return Error{in_quotes(text) + " is too long (at most 36500d, about 100 years)"};
  }
  return core::Duration{count * unit_ms};
}

}  // namespace reviewbot::config
