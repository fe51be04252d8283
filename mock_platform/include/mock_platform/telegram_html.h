// Checks text in Telegram's HTML parse mode the way the Bot API does and returns the plain
// text Telegram would store (tags removed, entities decoded). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "mock_platform/result.h"

namespace mock_platform {

// Accepts only Telegram's tags: b, strong, i, em, u, ins, s, strike, del, span
// class="tg-spoiler", tg-spoiler, a (href), code, pre, blockquote (expandable), tg-emoji
// (emoji-id); and only the entities &lt; &gt; &amp; &quot; &#NN; &#xHH;.
// On failure returns 400 "Bad Request: can't parse entities: <reason> at byte offset N".
// Deliberately stricter than Telegram on one point: a bare '&' is an error (Telegram keeps
// it literally), so unescaped user text is caught in tests.
Result<std::string> parse_telegram_html(std::string_view html);

}  // namespace mock_platform
