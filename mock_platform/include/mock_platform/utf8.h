// UTF-8 helpers for Telegram's text limits. Telegram measures text in UTF-16 code units,
// so a character outside the Basic Multilingual Plane (most emoji) counts twice.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mock_platform {

// Length of `text` in UTF-16 code units; nullopt when `text` is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::optional<std::size_t> utf16_length(std::string_view text);

// Appends `code_point` encoded as UTF-8. Requires a valid scalar value.
void append_utf8(std::string& out, std::uint32_t code_point);

// True when `text` is empty or only ASCII/Unicode white space (space, tab, CR, LF,
// no-break space and the U+2000 block spaces).
bool is_blank(std::string_view text);

}  // namespace mock_platform
