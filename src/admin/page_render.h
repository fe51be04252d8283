// Private to the dashboard's page files: Mustache templates compiled once, the layout
// around every page (title, navigation, logout form), and small formatters. Thread-safe.
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <string>

#include "reviewbot/admin/pages.h"
#include "reviewbot/core/types.h"

namespace reviewbot::admin::page {

using kainjow::mustache::data;

// Renders the template `text` (a string constant: it is compiled once, keyed by address).
std::string render(const char* text, const data& d);
// `content` (HTML) inside the layout.
std::string frame_page(const PageFrame& frame, const std::string& content);

std::string fixed(double value, int decimals);  // "4.50" for (4.5, 2)
std::string stars_text(int rating);             // "★★★☆☆" for 3
std::string day(core::Time t);                  // "2026-11-22" (UTC)
std::string minute(core::Time t);               // "2026-11-22 10:05" (UTC)
// A section value: false when missing or empty, so {{#x}} hides.
data text_or_false(const std::optional<std::string>& s);
data text_or_false(const std::string& s);

// A customer as the owner's pages name them: the shop's name first, then Telegram's, then
// "chat <id>" ("–" without any).
std::string display_name(const std::string& shop, const std::string& telegram, core::ChatId chat);
// "Ann Lee @ann", "@ann" or "Ann Lee": the Telegram side when it says more than the
// shop's name; "" when it does not.
std::string telegram_label(const std::string& shop, const std::string& telegram,
                           const std::string& username);

// The notice (a success) and error lines at the top of a page; "" when both are empty.
std::string flash(const std::string& notice, const std::string& error);
// Plain text as HTML: & < > " escaped, newlines as <br>.
std::string escape(const std::string& text);
// Telegram HTML as safe HTML for a preview: everything escaped, then the tags b, strong,
// i, em, u, s, code and pre (without attributes) restored, then Telegram's own entities
// shown as their characters.
std::string telegram_preview(const std::string& telegram_html);

}  // namespace reviewbot::admin::page
