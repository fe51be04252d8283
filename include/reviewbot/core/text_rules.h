// Reading customers' free text: thank-you notes, opt-out/opt-in words, typed ratings.
// Pure functions; Unicode-aware for the supported languages (case folding for ASCII,
// Cyrillic, Latin-1 accented letters; CJK matched as-is). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reviewbot::core {

// True when the message thanks the business: "thanks!", "thank you so much", "спасибо",
// "谢谢", "gracias", "merci", "danke", "obrigado", "🙏"... but not negations or refusals such
// as "no thanks", "нет, спасибо", "no, gracias", "non merci", "nein danke", "não, obrigado",
// nor long messages where thanks is incidental to something else (over 80 characters).
bool is_thank_you(const std::string& text);

// "/stop", "stop", "unsubscribe", "стоп", "отписаться", "baja", "darse de baja", "parar",
// "退订", "arrêter", "désabonner", "stopp", "abmelden", "cancelar inscrição"... (whole message,
// trimmed, case-insensitive, trailing punctuation ignored).
bool is_opt_out(const std::string& text);

// A typed rating: "1".."5", or 1–5 stars (★ or ⭐), alone (surrounding spaces ignored).
std::optional<int> parse_typed_rating(const std::string& text);

// `command` (lower-case, with its slash: "/help") or "<command> <argument>", also
// "/help@botname ...", in any letter case: returns the argument, "" when there is none;
// nullopt when the text is another command or no command.
std::optional<std::string> parse_command(const std::string& text, std::string_view command);

// parse_command(text, "/start"): the deep-link parameter, "" for a bare /start.
std::optional<std::string> parse_start_command(const std::string& text);

// A person's or product's name made safe to show in a message: control characters, and
// the invisible characters that reorder text (bidi embeddings, overrides, isolates and
// marks), removed; newlines and tabs folded to a space; runs of spaces made one; trimmed.
// So a name can never forge a line ("Ann\nTransaction: FAKE") or flip the text around it.
std::string clean_name(std::string_view name);

}  // namespace reviewbot::core
