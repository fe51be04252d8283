#include "reviewbot/core/text_rules.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "utf8.h"

namespace reviewbot::core {
namespace {

using namespace std::string_view_literals;

constexpr std::size_t kMaxThankYouLength = 80;  // code points
constexpr std::size_t kNegationReach = 2;       // tokens between a negation and a thanks word

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

// Letters (and the apostrophe inside "don't") belong to words; everything else separates.
bool is_word_char(char32_t cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) return true;
  if (cp == '\'' || cp == 0x2019) return true;
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  if (cp >= 0x400 && cp <= 0x4FF) return true;
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF);
}

std::vector<std::string> words(std::string_view lowered) {
  std::vector<std::string> out;
  std::string current;
  std::size_t pos = 0;
  while (pos < lowered.size()) {
    const std::size_t start = pos;
    const char32_t cp = utf8::next(lowered, pos);
    if (is_word_char(cp)) {
      current.append(lowered.substr(start, pos - start));
    } else if (!current.empty()) {
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

template <std::size_t N>
bool any_of_words(std::string_view word, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Word stems that thank, in the supported languages (lower case).
constexpr std::array kThanksPrefixes = {
    "thank"sv,    "thanx"sv,  "thnx"sv,    "thx"sv,     "appreciat"sv, "спасиб"sv,
    "благодар"sv, "gracia"sv, "agradec"sv, "agradez"sv, "agradeç"sv,   "merci"sv,
    "remerci"sv,  "dank"sv,   "obrigad"sv, "brigad"sv,  "valeu"sv,     "grazie"sv};
constexpr std::array kThanksWords = {"ty"sv,     "tysm"sv, "tyvm"sv, "tnx"sv,
                                     "cheers"sv, "спс"sv,  "obg"sv,  "vlw"sv};
constexpr std::array kNotThanksWords = {"thanksgiving"sv, "merciless"sv, "mercilessly"sv};
// Chinese has no spaces between words; these are matched anywhere in the text.
constexpr std::array kChineseThanks = {"谢谢"sv, "多谢"sv, "感谢"sv, "谢啦"sv,
                                       "谢了"sv, "谢你"sv, "谢您"sv};
constexpr std::array kChineseRefusals = {"不用"sv, "不要"sv,   "不必"sv, "不需要"sv, "不了"sv,
                                         "不谢"sv, "不，"sv,   "不,"sv,  "不 "sv,    "别"sv,
                                         "算了"sv, "没必要"sv, "免了"sv, "退订"sv};
// Words that turn a nearby thanks into a refusal ("no thanks", "thanks but no").
constexpr std::array kNegations = {
    "no"sv,    "not"sv, "nope"sv, "nah"sv,    "never"sv, "but"sv,    "stop"sv,  "unsubscribe"sv,
    "нет"sv,   "не"sv,  "но"sv,   "ненадо"sv, "стоп"sv,  "хватит"sv, "pero"sv,  "non"sv,
    "pas"sv,   "ne"sv,  "mais"sv, "nein"sv,   "nicht"sv, "kein"sv,   "keine"sv, "aber"sv,
    "stopp"sv, "não"sv, "nao"sv,  "mas"sv,    "nem"sv,   "baja"sv,   "parar"sv};
// Emoji that thank on their own: folded hands, hearts, smiling faces with hearts.
constexpr std::array kThanksEmoji = {
    char32_t{0x1F64F}, char32_t{0x2764},  char32_t{0x2665},  char32_t{0x1F496}, char32_t{0x1F495},
    char32_t{0x1F497}, char32_t{0x1F493}, char32_t{0x1F49E}, char32_t{0x1F49D}, char32_t{0x1F498},
    char32_t{0x1F9E1}, char32_t{0x1F49B}, char32_t{0x1F49A}, char32_t{0x1F499}, char32_t{0x1F49C},
    char32_t{0x1F90D}, char32_t{0x1F90E}, char32_t{0x1F970}, char32_t{0x1F60D}, char32_t{0x1F917}};

bool is_thanks_word(std::string_view word) {
  if (any_of_words(word, kNotThanksWords)) return false;
  if (any_of_words(word, kThanksWords)) return true;
  return std::any_of(kThanksPrefixes.begin(), kThanksPrefixes.end(),
                     [&](std::string_view p) { return word.starts_with(p); });
}

bool is_negation_word(std::string_view word) {
  return any_of_words(word, kNegations) || word.ends_with("n't") || word.ends_with("n’t");
}

bool has_thanks_emoji(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = utf8::next(text, pos);
    if (std::find(kThanksEmoji.begin(), kThanksEmoji.end(), cp) != kThanksEmoji.end()) return true;
  }
  return false;
}

// Lower-cased, trimmed, inner whitespace collapsed, trailing punctuation dropped, and a
// leading "/" with any "@botname" removed, so "/STOP@shop_bot!" becomes "stop".
std::string normalize_command(std::string_view text) {
  std::string lowered = utf8::to_lower(trim(text));
  std::string s;
  bool space = false;
  for (char c : lowered) {
    if (is_ascii_space(c)) {
      space = true;
      continue;
    }
    if (space && !s.empty()) s += ' ';
    space = false;
    s += c;
  }
  constexpr std::array kTrailing = {"."sv, "!"sv, "?"sv, "。"sv, "！"sv, "？"sv, "…"sv, " "sv};
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (auto p : kTrailing) {
      if (s.size() > p.size() && std::string_view(s).ends_with(p)) {
        s.resize(s.size() - p.size());
        stripped = true;
      }
    }
  }
  if (!s.empty() && s.front() == '/') {
    s.erase(0, 1);
    const auto at = s.find('@');
    if (at != std::string::npos) s.erase(at, s.find(' ', at) - at);
  }
  return s;
}

constexpr std::array kOptOutPhrases = {
    // English
    "stop"sv, "unsubscribe"sv, "opt out"sv, "opt-out"sv, "optout"sv, "stop messages"sv,
    // Russian
    "стоп"sv, "отписаться"sv, "отписка"sv, "отпишите"sv, "отпишите меня"sv, "хватит"sv,
    "остановить"sv,
    // Spanish
    "baja"sv, "darse de baja"sv, "darme de baja"sv, "dar de baja"sv, "parar"sv, "alto"sv,
    "cancelar suscripción"sv, "desuscribir"sv, "desuscribirme"sv,
    // French
    "arrêt"sv, "arrêter"sv, "désabonner"sv, "se désabonner"sv, "me désabonner"sv, "désabonnement"sv,
    "désinscrire"sv, "se désinscrire"sv, "désinscription"sv,
    // German
    "stopp"sv, "abmelden"sv, "abbestellen"sv, "abmeldung"sv,
    // Portuguese
    "pare"sv, "cancelar inscrição"sv, "cancelar assinatura"sv, "descadastrar"sv, "descadastre"sv,
    "sair da lista"sv,
    // Chinese
    "退订"sv, "取消订阅"sv, "停止"sv, "停止发送"sv, "td"sv};

}  // namespace

bool is_thank_you(const std::string& text) {
  const std::string_view trimmed = trim(text);
  if (trimmed.empty() || utf8::length(trimmed) > kMaxThankYouLength) return false;
  if (is_opt_out(text)) return false;
  const std::string lowered = utf8::to_lower(trimmed);

  if (std::any_of(kChineseRefusals.begin(), kChineseRefusals.end(),
                  [&](std::string_view r) { return contains(lowered, r); }) ||
      lowered.starts_with("不")) {
    return false;
  }

  const std::vector<std::string> tokens = words(lowered);
  if (!tokens.empty() && is_negation_word(tokens.front())) return false;

  bool thanks = has_thanks_emoji(lowered) ||
                std::any_of(kChineseThanks.begin(), kChineseThanks.end(),
                            [&](std::string_view t) { return contains(lowered, t); });
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!is_thanks_word(tokens[i])) continue;
    thanks = true;
    const std::size_t from = i > kNegationReach ? i - kNegationReach : 0;
    const std::size_t to = std::min(tokens.size(), i + kNegationReach + 1);
    for (std::size_t j = from; j < to; ++j) {
      if (is_negation_word(tokens[j])) return false;
    }
  }
  return thanks;
}

bool is_opt_out(const std::string& text) {
  const std::string normalized = normalize_command(text);
  return any_of_words(std::string_view(normalized), kOptOutPhrases);
}

std::optional<int> parse_typed_rating(const std::string& text) {
  const std::string_view s = trim(text);
  if (s.size() == 1 && s[0] >= '1' && s[0] <= '5') return s[0] - '0';
  int stars = 0;
  bool after_star = false;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = utf8::next(s, pos);
    if (cp == 0x2605 || cp == 0x2B50) {
      ++stars;
      after_star = true;
    } else if (cp == 0xFE0F && after_star) {
      after_star = false;  // emoji presentation selector after ⭐
    } else if (cp >= 0xFF11 && cp <= 0xFF15 && s.size() == 3) {
      return static_cast<int>(cp - 0xFF10);  // full-width digit typed on a CJK keyboard
    } else if (cp == ' ' || cp == '\t') {
      after_star = false;
    } else {
      return std::nullopt;
    }
  }
  if (stars < 1 || stars > 5) return std::nullopt;
  return stars;
}

std::optional<std::string> parse_command(const std::string& text, std::string_view command) {
  std::string_view s = trim(text);
  if (s.size() < command.size()) return std::nullopt;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] + 0x20) : s[i];
    if (c != command[i]) return std::nullopt;
  }
  s.remove_prefix(command.size());
  if (!s.empty() && s.front() == '@') {  // "/start@shop_bot param"
    while (!s.empty() && !is_ascii_space(s.front())) s.remove_prefix(1);
  } else if (!s.empty() && !is_ascii_space(s.front())) {
    return std::nullopt;  // "/started" is another command
  }
  return std::string(trim(s));
}

std::optional<std::string> parse_start_command(const std::string& text) {
  return parse_command(text, "/start");
}

std::string clean_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool space = false;
  for (std::size_t pos = 0; pos < name.size();) {
    const char32_t cp = utf8::next(name, pos);
    const bool blank = cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == 0x85 ||
                       cp == 0x2028 || cp == 0x2029;  // NEL, line and paragraph separators
    const bool invisible = cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||  // C0, DEL, C1
                           cp == 0x200E || cp == 0x200F ||            // LRM, RLM
                           (cp >= 0x202A && cp <= 0x202E) ||          // embeddings, overrides
                           (cp >= 0x2066 && cp <= 0x2069) ||          // isolates
                           cp == 0x061C || cp == 0xFEFF;              // ALM, BOM
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (invisible) continue;
    if (space) out.push_back(' ');
    space = false;
    utf8::append(out, cp);
  }
  return out;
}

}  // namespace reviewbot::core
