// Message templates: which request template fits an event, and rendering any message in a
// customer's locale. A TemplateSet is built once at startup by config::load_templates
// (which reads TEMPLATES_DIR and validates every template) and is immutable afterwards,
// so it is safe to share between threads. Rendering is pure; variables are HTML-escaped
// for Telegram's HTML parse mode (& < > " only; ' becomes &#39;).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/events.h"
#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::core {

// Names of the fixed (non-request) messages every locale may define; English must define
// all of them. A request template is any name listed in the manifest's "requests".
namespace message {
inline constexpr const char* kReminder = "reminder";
inline constexpr const char* kRatingAck = "rating_ack";  // request after rating
inline constexpr const char* kCommentPrompt = "comment_prompt";
inline constexpr const char* kSkipButton = "skip_button";
inline constexpr const char* kThankYou = "thank_you";
inline constexpr const char* kReviewButton = "review_button";  // label of REVIEW_URL button
inline constexpr const char* kOwnerAlert = "owner_alert";
inline constexpr const char* kOptedOut = "opted_out";
inline constexpr const char* kOptedIn = "opted_in";
inline constexpr const char* kWelcome = "welcome";  // /start or /help: what the bot is
inline constexpr const char* kClosed = "closed";    // stale button pressed
inline constexpr const char* kTypedRatingHint = "typed_rating_hint";  // keyboard fallback
}  // namespace message

// What the selection rules may look at.
struct RequestFacts {
  Trigger trigger = Trigger::kTransactionCompleted;
  std::string locale;  // customer's locale; "" or unknown falls back to "en"
  std::vector<TransactionItem> items;
  std::optional<double> amount;
  int64_t customer_key = 0;  // stable per customer; picks the A/B variant deterministically
};

struct TemplateChoice {
  std::string name;     // manifest entry name
  std::string variant;  // "" when the entry has no variants
  std::string locale;   // the locale actually used after fallback
};

// Values available to templates as {{name}}. Items are a list section {{#items}}.
struct RenderVars {
  std::string business_name;
  std::string customer_name;
  std::vector<TransactionItem> items;
  std::optional<double> amount;
  std::string currency;
  std::string transaction_id;
  std::optional<int> rating;  // {{rating}}, {{stars}} ("★★★☆☆")
  std::optional<std::string> comment;
  std::string review_url;  // {{#review_url}}…{{/review_url}} hides when empty
  // Owner alerts only (empty elsewhere): the shop's id for the customer, the Telegram
  // profile's name and @username, and the review's page in the dashboard.
  std::string external_id;
  std::string telegram_name;
  std::string telegram_username;
  std::string review_link;
};

class TemplateSet {
 public:
  struct Rule {  // one entry of the manifest's "requests", in file order
    std::string name;
    Trigger trigger = Trigger::kTransactionCompleted;
    std::vector<std::string> categories;  // match if any item has one; empty = any
    std::optional<double> min_amount, max_amount;
    std::vector<std::string> variants;  // empty = single template
  };

  TemplateSet();
  // sources: locale -> (file stem -> mustache text); stems are message names, request
  // names, or "<name>.<variant>". Each source is parsed here, once; a render works on a
  // spare copy of the parsed template, kept for the next render (renders on many threads
  // never share one).
  TemplateSet(std::vector<Rule> rules,
              std::map<std::string, std::map<std::string, std::string>> sources);

  // First rule matching trigger, category and amount; nullopt when none matches.
  std::optional<TemplateChoice> choose_request(const RequestFacts& facts) const;

  // Renders a request chosen by choose_request.
  Result<std::string> render_request(const TemplateChoice& choice, const RenderVars& vars) const;

  // Renders a fixed message (see namespace message) in `locale`, falling back to the
  // language part ("pt" for "pt-br") and then to "en". Error if no locale defines it.
  Result<std::string> render(const std::string& message_name, const std::string& locale,
                             const RenderVars& vars) const;

  // The locale that would be used for `wanted` after fallback ("en" at worst).
  std::string resolve_locale(const std::string& wanted) const;

  const std::vector<Rule>& rules() const { return rules_; }
  const std::map<std::string, std::map<std::string, std::string>>& sources() const {
    return sources_;
  }

 private:
  struct Compiled;  // the parsed sources, by locale and stem

  std::vector<Rule> rules_;
  std::map<std::string, std::map<std::string, std::string>> sources_;
  std::shared_ptr<const Compiled> compiled_;  // immutable, shared by copies
};

// HTML-escapes text for Telegram's HTML parse mode.
std::string escape_html(const std::string& text);

}  // namespace reviewbot::core
