// UTF-8 helpers private to core: decoding code points and a small case fold (ASCII,
// Latin-1 accented letters, Cyrillic) for matching customers' words without ICU.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace reviewbot::core::utf8 {

// Decodes the code point at text[pos] and advances pos. Invalid bytes (also overlong
// forms, surrogates and values past U+10FFFF) decode as U+FFFD and advance by one, so a
// loop always terminates.
char32_t next(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

// Lower-cases ASCII, Latin-1 (À-Þ except ×) and Cyrillic (А-Я, Ё and the other
// U+0400-U+040F capitals); everything else is copied unchanged.
std::string to_lower(std::string_view text);

// Number of code points (invalid bytes count one each).
std::size_t length(std::string_view text);

// The first `max_code_points` code points of text, with "…" appended when it was longer.
std::string truncate(std::string_view text, std::size_t max_code_points);

}  // namespace reviewbot::core::utf8
