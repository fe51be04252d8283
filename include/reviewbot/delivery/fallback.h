// Second tries the delivery rules prescribe for messages the platform refused as written:
// HTML it cannot parse goes again as plain text; a keyboard it refuses is dropped.
// Pure functions over message bodies; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reviewbot/core/messages.h"

namespace reviewbot::delivery {

// Telegram-HTML → plain text: tags removed, entities (&lt; &gt; &amp; &quot; &apos;
// &#39; and other numeric ones) decoded. A '<' that starts no tag is kept.
std::string html_to_plain_text(std::string_view html);

// The same SendText/EditText with html off and the text (and text_without_keyboard)
// stripped; nullopt when the body has no HTML text to fall back from.
std::optional<core::MessageBody> as_plain_text(const core::MessageBody& body);

// The same SendText without its keyboard, its text replaced by text_without_keyboard when
// set (a rating request then asks for a typed 1-5); URL buttons (the review link) become
// links at the end of the text so they are not lost. nullopt when there is no keyboard.
std::optional<core::MessageBody> without_keyboard(const core::MessageBody& body);

}  // namespace reviewbot::delivery
