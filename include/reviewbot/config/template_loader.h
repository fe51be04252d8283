// Loading message templates from TEMPLATES_DIR at startup: the manifest templates.json and
// every <locale>/<stem>.mustache, validated up front so that a broken template stops the
// service with an error naming its file instead of failing a send later.
// Free functions with no shared state; thread-safe. templates/README.md documents the format.
#pragma once

#include <cstddef>
#include <string>

#include "reviewbot/core/result.h"
#include "reviewbot/core/templates.h"

namespace reviewbot::config {

// Telegram's limit on a message text, in characters.
inline constexpr std::size_t kMaxMessageChars = 4096;
// Button labels (skip_button, review_button) are plain text and short.
inline constexpr std::size_t kMaxButtonLabelChars = 64;
// "closed" may be shown as a pop-up (answerCallbackQuery), which is plain and short.
inline constexpr std::size_t kMaxNoticeChars = 200;

// Reads <dir>/templates.json and every <dir>/<locale>/<stem>.mustache, then runs
// validate_templates. On error the message starts with the offending file's path
// ("templates/en/thank_you.mustache: ...") and says what is wrong. Files other than the
// manifest and *.mustache files in locale folders are ignored (README.md, for example).
core::Result<core::TemplateSet> load_templates(const std::string& dir);

// Checks a set as load_templates would: rule names, variants and amount bounds; at least one
// request per trigger; English defines every fixed message and every request (each
// variant); no unknown template names; only known variables, no unescaped variables or
// partials; every template renders with sample data (hostile names, 3 items, amount,
// ratings 1 and 5, comment and review_url set and empty) to non-empty text of at most
// kMaxMessageChars, with Telegram-valid HTML. Error messages start with the file they are
// about, relative to the templates directory ("en/owner_alert.mustache: ...").
core::Status validate_templates(const core::TemplateSet& templates);

}  // namespace reviewbot::config
