// RFC 3339 timestamps as the HTTP API reads and writes them ("2026-11-22T10:00:00Z",
// "2026-11-22T12:00:00.250+02:00"). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reviewbot/core/types.h"

namespace reviewbot::http {

// Parses a full RFC 3339 date-time: date, 'T' (or 't' or ' '), time with optional
// fraction (kept to milliseconds, the rest truncated), and 'Z' or a ±HH:MM offset.
// Leap second 60 is refused. nullopt for anything else.
std::optional<core::Time> parse_rfc3339(std::string_view text);

// UTC with a 'Z'; milliseconds only when not zero: "2026-11-22T10:00:00Z",
// "2026-11-22T10:00:00.250Z".
std::string format_rfc3339(core::Time t);

}  // namespace reviewbot::http
