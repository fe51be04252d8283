// validate_templates: the startup checks behind load_templates (see template_loader.h).
#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <vector>

#include "reviewbot/config/template_loader.h"

namespace reviewbot::config {
namespace {

using core::Error;
using core::RenderVars;
using core::TemplateSet;
using namespace std::string_view_literals;

constexpr std::array kFixedMessages = {
    core::message::kReminder,   core::message::kRatingAck,       core::message::kCommentPrompt,
    core::message::kSkipButton, core::message::kThankYou,        core::message::kReviewButton,
    core::message::kOwnerAlert, core::message::kOptedOut,        core::message::kOptedIn,
    core::message::kClosed,     core::message::kTypedRatingHint, core::message::kWelcome};
constexpr std::array kTopLevelVariables = {
    "business_name"sv,     "customer_name"sv,  "items"sv,       "amount"sv,
    "currency"sv,          "transaction_id"sv, "rating"sv,      "stars"sv,
    "comment"sv,           "review_url"sv,     "external_id"sv, "telegram_name"sv,
    "telegram_username"sv, "review_link"sv};
constexpr std::array kItemVariables = {"name"sv, "category"sv};
// Tags Telegram's HTML parse mode accepts.
constexpr std::array kTelegramTags = {
    "b"sv,   "strong"sv, "i"sv,    "em"sv,  "u"sv,          "ins"sv,  "s"sv,          "strike"sv,
    "del"sv, "a"sv,      "code"sv, "pre"sv, "tg-spoiler"sv, "span"sv, "blockquote"sv, "tg-emoji"sv};

template <class List>
bool listed(const List& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool is_fixed_message(std::string_view name) {
  return std::any_of(kFixedMessages.begin(), kFixedMessages.end(),
                     [&](const char* m) { return name == m; });
}

bool is_button_label(std::string_view name) {
  return name == core::message::kSkipButton || name == core::message::kReviewButton;
}

// Lower-case letters, digits, '_' and '-'; used for rule names, variants and file stems.
bool is_identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// "en", "ru", "pt-br", "zh-hans": a 2–3 letter language, optional lower-case subtags.
bool is_locale_name(std::string_view s) {
  const auto dash = s.find('-');
  const std::string_view language = s.substr(0, dash);
  if (language.size() < 2 || language.size() > 3 ||
      !std::all_of(language.begin(), language.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return false;
  }
  return dash == std::string_view::npos || is_identifier(s.substr(dash + 1));
}

std::string file_of(const std::string& locale, const std::string& stem) {
  return locale + "/" + stem + ".mustache";
}

// Well-formed UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no surrogates
// (U+D800-U+DFFF), nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char b = at(i);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned char low = 0x80;  // the range of the second byte
    unsigned char high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      if (b == 0xE0) low = 0xA0;   // overlong below U+0800
      if (b == 0xED) high = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      if (b == 0xF0) low = 0x90;   // overlong below U+10000
      if (b == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;  // a continuation byte first, C0/C1 (overlong) or F5-FF
    }
    if (i + extra >= s.size()) return false;
    if (at(i + 1) < low || at(i + 1) > high) return false;
    for (std::size_t k = 2; k <= extra; ++k) {
      if ((at(i + k) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

std::size_t char_count(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Characters of HTML text as Telegram counts them for its limit: after entity parsing, so
// tags count nothing and an entity (&amp;) counts one.
std::size_t html_char_count(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') {
      const auto end = s.find('>', i);
      if (end == std::string_view::npos) return count + char_count(s.substr(i));
      i = end;
      continue;
    }
    if (s[i] == '&') {
      const auto end = s.find(';', i);
      if (end != std::string_view::npos && end - i <= 10) i = end;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// Mustache tags must name known variables; unescaped variables ({{{x}}}, {{&x}}) would let
// customer text inject HTML, and partials and delimiter changes are not supported.
// Returns an error message, or "" when the source is fine. `allow_variables` is false for
// button labels, which are plain text and would show escaped entities literally.
std::string check_tags(std::string_view source, bool allow_variables) {
  std::vector<std::string> sections;
  for (std::size_t pos = source.find("{{"); pos != std::string_view::npos;
       pos = source.find("{{", pos)) {
    if (source.substr(pos).starts_with("{{{")) return "unescaped variable {{{...}}} is not allowed";
    const auto end = source.find("}}", pos + 2);
    if (end == std::string_view::npos) return "unclosed tag \"{{\"";
    std::string_view tag = source.substr(pos + 2, end - pos - 2);
    pos = end + 2;
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.empty()) return "empty tag {{}}";
    const char sigil = tag.front();
    if (sigil == '!') continue;  // comment
    if (sigil == '&') return "unescaped variable {{&...}} is not allowed";
    if (sigil == '>') return "partials ({{>...}}) are not supported";
    if (sigil == '=') return "changing delimiters ({{=...=}}) is not supported";
    std::string_view name = tag;
    if (sigil == '#' || sigil == '^' || sigil == '/') {
      name.remove_prefix(1);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    }
    if (!allow_variables) return "a button label must be plain text without {{tags}}";
    const bool in_items = std::find(sections.begin(), sections.end(), "items") != sections.end();
    const bool known = listed(kTopLevelVariables, name) ||
                       (in_items && (listed(kItemVariables, name) || name == "."));
    if (!known) return "unknown variable \"" + std::string(name) + "\"";
    if (sigil == '#' || sigil == '^') {
      if (name == "items" && in_items) {
        // It would render every item once per item, per level: items^depth.
        return "an {{#items}} section inside another is not allowed";
      }
      sections.emplace_back(name);
    } else if (sigil == '/') {
      if (sections.empty() || sections.back() != name) {
        return "section end {{/" + std::string(name) + "}} does not match its start";
      }
      sections.pop_back();
    }
  }
  return "";
}

// Telegram's HTML parse mode: only its tags, properly nested, and only the entities
// &lt; &gt; &amp; &quot; and numeric ones. Returns an error message or "".
std::string check_telegram_html(std::string_view text) {
  std::vector<std::string_view> open;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '>') return "a bare '>' (write &gt;)";
    if (c == '&') {
      const auto semi = text.find(';', i);
      const std::string_view entity =
          semi == std::string_view::npos ? "" : text.substr(i + 1, semi - i - 1);
      const bool numeric = entity.size() > 1 && entity.front() == '#' &&
                           std::all_of(entity.begin() + 1, entity.end(), [](char d) {
                             return (d >= '0' && d <= '9') || d == 'x' || (d >= 'a' && d <= 'f') ||
                                    (d >= 'A' && d <= 'F');
                           });
      if (!numeric && entity != "lt" && entity != "gt" && entity != "amp" && entity != "quot") {
        return "a bare '&' or an entity Telegram does not know (use &amp; &lt; &gt; &quot;)";
      }
      continue;
    }
    if (c != '<') continue;
    const auto close = text.find('>', i);
    if (close == std::string_view::npos) return "a bare '<' (write &lt;)";
    std::string_view tag = text.substr(i + 1, close - i - 1);
    i = close;
    const bool closing = tag.starts_with('/');
    if (closing) tag.remove_prefix(1);
    const std::string_view name = tag.substr(0, tag.find(' '));
    if (!listed(kTelegramTags, name)) {
      return "tag <" + std::string(name) + "> is not supported by Telegram";
    }
    if (!closing) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      return "</" + std::string(name) + "> does not close the last open tag";
    } else {
      open.pop_back();
    }
  }
  if (!open.empty()) return "<" + std::string(open.back()) + "> is never closed";
  return "";
}

std::vector<RenderVars> sample_vars() {
  RenderVars hostile;
  hostile.business_name = "Ann's <Café> & \"Co\"";
  hostile.customer_name = "<b>Ann & \"Bob\"'s</b>";
  hostile.items = {
      {"Latte <large>", "coffee"}, {"Croissant & jam", "bakery"}, {"\"Special\" tea's", "tea"}};
  hostile.amount = 1234.5;
  hostile.currency = "EUR";
  hostile.transaction_id = "T-<1>&'";
  hostile.rating = 1;
  hostile.comment = "Too <cold> & \"slow\", wasn't great";
  hostile.review_url = "https://example.com/review?a=1&b=2";
  hostile.external_id = "C-<7>&";
  hostile.telegram_name = "Ann <the> \"first\"";
  hostile.telegram_username = "ann_b";
  hostile.review_link = "https://shop.example/admin/reviews/7?a=1&b=2";

  RenderVars happy = hostile;
  happy.rating = 5;
  happy.comment.reset();
  happy.review_url.clear();

  RenderVars empty;  // every optional value missing

  RenderVars longest = hostile;  // names as long as Telegram allows
  longest.business_name = std::string(128, '&');
  longest.customer_name = std::string(129, '&');
  longest.items.assign(3, core::TransactionItem{std::string(128, '&'), std::string(64, '&')});
  longest.transaction_id = std::string(64, '&');
  longest.comment = std::string(200, '&');
  longest.review_url = "https://example.com/" + std::string(200, 'x');
  return {hostile, happy, empty, longest};
}

std::string check_rules(const TemplateSet& set) {
  std::set<std::string> names;
  bool has_trigger[2] = {false, false};
  for (const auto& rule : set.rules()) {
    const std::string where = "templates.json: request \"" + rule.name + "\"";
    if (!is_identifier(rule.name)) {
      return where + ": a name uses only a-z, 0-9, '_' and '-'";
    }
    if (is_fixed_message(rule.name)) return where + ": the name is taken by a fixed message";
    if (!names.insert(rule.name).second) return where + ": the name is used twice";
    std::set<std::string> variants;
    for (const auto& v : rule.variants) {
      if (!is_identifier(v))
        return where + ": variant \"" + v + "\" uses a character other than a-z, 0-9, '_', '-'";
      if (!variants.insert(v).second) return where + ": variant \"" + v + "\" is listed twice";
    }
    for (const auto& c : rule.categories) {
      if (c.empty()) return where + ": an empty category";
    }
    if (rule.min_amount && rule.max_amount && *rule.min_amount > *rule.max_amount) {
      return where + ": min_amount is greater than max_amount";
    }
    has_trigger[rule.trigger == core::Trigger::kThankYou ? 1 : 0] = true;
  }
  for (auto trigger : {core::Trigger::kTransactionCompleted, core::Trigger::kThankYou}) {
    if (!has_trigger[trigger == core::Trigger::kThankYou ? 1 : 0]) {
      return std::string("templates.json: no request for trigger \"") + core::to_string(trigger) +
             "\"; at least one is required";
    }
  }
  return "";
}

std::string check_source(const TemplateSet& set, const std::string& locale, const std::string& stem,
                         const std::string& source) {
  const std::string file = file_of(locale, stem);
  if (!is_valid_utf8(source)) return file + ": not valid UTF-8";
  if (auto problem = check_tags(source, !is_button_label(stem)); !problem.empty()) {
    return file + ": " + problem;
  }
  const bool plain = is_button_label(stem) || stem == core::message::kClosed;
  const std::size_t limit = is_button_label(stem)            ? kMaxButtonLabelChars
                            : stem == core::message::kClosed ? kMaxNoticeChars
                                                             : kMaxMessageChars;
  for (const auto& vars : sample_vars()) {
    auto text = set.render(stem, locale, vars);
    if (!text) return text.error().message;  // kainjow's error, already naming the file
    if (text->empty()) return file + ": renders to empty text";
    const std::size_t length = plain ? char_count(*text) : html_char_count(*text);
    if (length > limit) {
      return file + ": renders to " + std::to_string(length) +
             " characters with sample data; the limit is " + std::to_string(limit);
    }
    if (plain && text->find_first_of("<>&") != std::string::npos) {
      return file + ": must be plain text (no HTML tags or entities)";
    }
    if (auto problem = check_telegram_html(*text); !problem.empty()) {
      return file + ": invalid Telegram HTML: " + problem;
    }
  }
  return "";
}

}  // namespace

core::Status validate_templates(const TemplateSet& set) {
  if (auto problem = check_rules(set); !problem.empty()) return Error{problem};

  std::set<std::string> stems(kFixedMessages.begin(), kFixedMessages.end());
  std::vector<std::string> requests;
  for (const auto& rule : set.rules()) {
    if (rule.variants.empty()) requests.push_back(rule.name);
    for (const auto& v : rule.variants) requests.push_back(rule.name + "." + v);
  }
  stems.insert(requests.begin(), requests.end());

  const auto en = set.sources().find("en");
  for (const auto& stem : stems) {
    if (en == set.sources().end() || !en->second.count(stem)) {
      return Error{file_of("en", stem) +
                   ": missing; English must define every message and request"};
    }
  }
  for (const auto& [locale, texts] : set.sources()) {
    if (!is_locale_name(locale)) {
      return Error{locale + "/: not a locale name (use lower case, like en, ru or pt-br)"};
    }
    for (const auto& [stem, source] : texts) {
      if (!stems.count(stem)) {
        return Error{file_of(locale, stem) +
                     ": not a known message or request (check the name against templates.json)"};
      }
      if (auto problem = check_source(set, locale, stem, source); !problem.empty()) {
        return Error{problem};
      }
    }
  }
  return core::ok_status();
}

}  // namespace reviewbot::config
