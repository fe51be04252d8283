#include "reviewbot/core/templates.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <kainjow/mustache.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "utf8.h"

namespace reviewbot::core {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

constexpr const char* kDefaultLocale = "en";

std::string trim_ascii(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// "pt_BR" -> "pt-br".
std::string normalize_locale(const std::string& locale) {
  std::string out = trim_ascii(locale);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c == '_') c = '-';
  }
  return out;
}

// Locales to try, best first: exact, language part, "en".
std::vector<std::string> locale_chain(const std::string& wanted) {
  std::vector<std::string> chain;
  const std::string exact = normalize_locale(wanted);
  if (!exact.empty()) chain.push_back(exact);
  const auto dash = exact.find('-');
  if (dash != std::string::npos && dash > 0) chain.push_back(exact.substr(0, dash));
  if (std::find(chain.begin(), chain.end(), kDefaultLocale) == chain.end()) {
    chain.emplace_back(kDefaultLocale);
  }
  return chain;
}

std::string fold(const std::string& s) { return utf8::to_lower(trim_ascii(s)); }

bool categories_match(const TemplateSet::Rule& rule, const std::vector<TransactionItem>& items) {
  if (rule.categories.empty()) return true;
  for (const auto& item : items) {
    const std::string category = fold(item.category);
    for (const auto& wanted : rule.categories) {
      if (fold(wanted) == category) return true;
    }
  }
  return false;
}

bool amount_matches(const TemplateSet::Rule& rule, const std::optional<double>& amount) {
  if (!rule.min_amount && !rule.max_amount) return true;
  if (!amount) return false;
  if (rule.min_amount && *amount < *rule.min_amount) return false;
  if (rule.max_amount && *amount > *rule.max_amount) return false;
  return true;
}

// splitmix64: a stable, well-mixed hash of the customer key (std::hash is not stable).
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string stem_of(const std::string& name, const std::string& variant) {
  return variant.empty() ? name : name + "." + variant;
}

std::string format_amount(double amount) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, amount, std::chars_format::fixed, 2);
  if (ec != std::errc()) return "";
  return std::string(buf, end);
}

std::string stars_for(int rating) {
  const int full = std::clamp(rating, 0, 5);
  std::string out;
  for (int i = 0; i < 5; ++i) out += i < full ? "★" : "☆";
  return out;
}

// Empty strings become false so that {{#name}}…{{/name}} hides them.
data text_or_false(const std::string& s) { return s.empty() ? data(false) : data(s); }

data to_data(const RenderVars& vars) {
  data d;
  d.set("business_name", text_or_false(vars.business_name));
  d.set("customer_name", text_or_false(vars.customer_name));
  data items(data::type::list);
  for (const auto& item : vars.items) {
    data entry;
    entry.set("name", text_or_false(item.name));
    entry.set("category", text_or_false(item.category));
    items.push_back(entry);
  }
  d.set("items", items);
  d.set("amount", vars.amount ? data(format_amount(*vars.amount)) : data(false));
  d.set("currency", text_or_false(vars.currency));
  d.set("transaction_id", text_or_false(vars.transaction_id));
  d.set("rating", vars.rating ? data(std::to_string(*vars.rating)) : data(false));
  d.set("stars", vars.rating ? data(stars_for(*vars.rating)) : data(false));
  d.set("comment", text_or_false(vars.comment.value_or("")));
  d.set("review_url", text_or_false(vars.review_url));
  d.set("external_id", text_or_false(vars.external_id));
  d.set("telegram_name", text_or_false(vars.telegram_name));
  d.set("telegram_username", text_or_false(vars.telegram_username));
  d.set("review_link", text_or_false(vars.review_link));
  return d;
}

// A parsed template (or why it could not be parsed), escaping for Telegram's HTML.
// kainjow's render() is not const (it may record an error), so renders use copies of the
// parsed tree, kept for reuse: a render copies the tree only when every copy is in use,
// so there are at most as many as renders ever ran at once. A template without a tag is
// its own rendering, kept as such.
class Parsed {
 public:
  explicit Parsed(const std::string& source) {
    if (source.find("{{") == std::string::npos) {
      constant_ = trim_ascii(source);
      return;
    }
    try {
      tmpl_.emplace(source);
      if (!tmpl_->is_valid()) {
        error_ = tmpl_->error_message();
        tmpl_.reset();
        return;
      }
      tmpl_->set_custom_escape([](const std::string& s) { return escape_html(s); });
    } catch (const std::exception& e) {
      error_ = e.what();
      tmpl_.reset();
    }
  }

  Result<std::string> render(const RenderVars& vars) const {
    if (constant_) return *constant_;
    if (!tmpl_) return Error{error_};
    try {
      std::unique_ptr<mustache> copy = take();
      std::string out;
      copy->render(to_data(vars), [&out](const std::string& piece) { out += piece; });
      if (!copy->is_valid()) return Error{copy->error_message()};  // not reused
      give_back(std::move(copy));
      return trim_ascii(out);
    } catch (const std::exception& e) {
      return Error{e.what()};
    }
  }

 private:
  std::unique_ptr<mustache> take() const {
    {
      const std::lock_guard lock(spare_mutex_);
      if (!spare_.empty()) {
        std::unique_ptr<mustache> copy = std::move(spare_.back());
        spare_.pop_back();
        return copy;
      }
    }
    return std::make_unique<mustache>(*tmpl_);
  }
  void give_back(std::unique_ptr<mustache> copy) const {
    const std::lock_guard lock(spare_mutex_);
    spare_.push_back(std::move(copy));
  }

  std::optional<std::string> constant_;  // the rendering of a template without tags
  std::optional<mustache> tmpl_;         // nullopt (and no constant_): `error_` says why
  std::string error_;
  mutable std::mutex spare_mutex_;
  mutable std::vector<std::unique_ptr<mustache>> spare_;
};

}  // namespace

struct TemplateSet::Compiled {
  std::map<std::string, std::map<std::string, Parsed>> by_locale;
};

TemplateSet::TemplateSet() : compiled_(std::make_shared<const Compiled>()) {}

TemplateSet::TemplateSet(std::vector<Rule> rules,
                         std::map<std::string, std::map<std::string, std::string>> sources)
    : rules_(std::move(rules)), sources_(std::move(sources)) {
  auto compiled = std::make_shared<Compiled>();
  for (const auto& [locale, stems] : sources_) {
    auto& parsed = compiled->by_locale[locale];
    for (const auto& [stem, source] : stems) parsed.try_emplace(stem, source);
  }
  compiled_ = std::move(compiled);
}

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string TemplateSet::resolve_locale(const std::string& wanted) const {
  for (const auto& locale : locale_chain(wanted)) {
    if (sources_.count(locale)) return locale;
  }
  return kDefaultLocale;
}

std::optional<TemplateChoice> TemplateSet::choose_request(const RequestFacts& facts) const {
  for (const auto& rule : rules_) {
    if (rule.trigger != facts.trigger || !categories_match(rule, facts.items) ||
        !amount_matches(rule, facts.amount)) {
      continue;
    }
    TemplateChoice choice{rule.name, "", resolve_locale(facts.locale)};
    if (!rule.variants.empty()) {
      const uint64_t h = mix(static_cast<uint64_t>(facts.customer_key));
      choice.variant = rule.variants[h % rule.variants.size()];
    }
    const std::string stem = stem_of(choice.name, choice.variant);
    for (const auto& locale : locale_chain(facts.locale)) {
      auto it = sources_.find(locale);
      if (it != sources_.end() && it->second.count(stem)) {
        choice.locale = locale;
        break;
      }
    }
    return choice;
  }
  return std::nullopt;
}

Result<std::string> TemplateSet::render_request(const TemplateChoice& choice,
                                                const RenderVars& vars) const {
  return render(stem_of(choice.name, choice.variant), choice.locale, vars);
}

Result<std::string> TemplateSet::render(const std::string& message_name, const std::string& locale,
                                        const RenderVars& vars) const {
  for (const auto& candidate : locale_chain(locale)) {
    auto it = compiled_->by_locale.find(candidate);
    if (it == compiled_->by_locale.end()) continue;
    auto parsed = it->second.find(message_name);
    if (parsed == it->second.end()) continue;
    auto rendered = parsed->second.render(vars);
    if (!rendered) {
      return Error{candidate + "/" + message_name + ".mustache: " + rendered.error().message};
    }
    return rendered;
  }
  return Error{"no template \"" + message_name + "\" for locale \"" + locale + "\" or \"" +
               kDefaultLocale + "\""};
}

}  // namespace reviewbot::core
