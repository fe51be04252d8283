// Domain vocabulary shared by every module: time, identities, customers, conversations,
// reviews. Plain value types with no behaviour beyond trivial helpers; copy freely.
// Nothing here knows about Telegram JSON, SQL or HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reviewbot::core {

// Wall-clock instant with millisecond resolution (UTC). Stored as epoch milliseconds.
using Time = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

inline int64_t to_millis(Time t) { return t.time_since_epoch().count(); }
inline Time from_millis(int64_t ms) { return Time{Duration{ms}}; }

// Platform chat and user ids are 64-bit (Telegram ids exceed 2^32).
using ChatId = int64_t;
using UserId = int64_t;

// What started a review request. Strings are the public names used in the API and CSV.
enum class Trigger { kTransactionCompleted, kThankYou };
const char* to_string(Trigger t);  // "transaction.completed" | "thank_you"

// One line of a sale, as the till sent it.
struct TransactionItem {
  std::string name;
  std::string category;
  bool operator==(const TransactionItem&) const = default;
};

// A person the business may ask for a review, identified by chat and/or external id.
struct Customer {
  int64_t id = 0;                          // store-assigned; 0 means "not stored yet"
  std::optional<ChatId> chat_id;           // known once the customer wrote or was linked
  std::optional<std::string> external_id;  // the shop's own customer id (linked via /start)
  std::string name;           // the shop's name for the customer (from events); may be empty
  std::string telegram_name;  // first (+ last) name of the Telegram profile
  std::string username;       // Telegram @username without the @; empty when none
  std::string locale;         // "en", "ru", ...; empty when unknown
  bool opted_out = false;     // said /stop; /start clears it
  bool unreachable = false;   // blocked the bot (kicked or 403)
  bool started_bot = false;   // wrote to the bot directly (not only via Business)
  std::optional<std::string> business_connection_id;  // last Business chat seen, if any
  std::optional<Time> last_request_at;                // for COOLDOWN

  // The name messages and owner views use: the shop's name first, else Telegram's.
  const std::string& display_name() const { return name.empty() ? telegram_name : name; }
  bool operator==(const Customer&) const = default;
};

enum class ConversationState {
  kAwaitingRating,   // request scheduled or sent; no rating yet
  kAwaitingComment,  // rated; comment prompt sent
  kDone,             // comment stored or skipped
  kCancelled,        // refund/cancel, opt-out or block before an answer
};
const char* to_string(ConversationState s);  // "awaiting_rating", ...
std::optional<ConversationState> conversation_state_from_string(const std::string& s);

// One review request and the customer's answers to it.
struct Conversation {
  int64_t id = 0;  // store-assigned; 0 in a decision means "the conversation created now"
  int64_t customer_id = 0;
  ChatId chat_id = 0;
  std::optional<std::string> business_connection_id;  // replies go through this connection
  ConversationState state = ConversationState::kAwaitingRating;
  Trigger trigger = Trigger::kTransactionCompleted;
  std::optional<std::string> event_id;        // inbound event that caused it, if any
  std::optional<std::string> transaction_id;  // for refund/cancel lookups
  // The sale the request asks about (empty for thank-you requests).
  std::optional<double> amount;
  std::string currency;
  std::vector<TransactionItem> items;
  std::string template_name;
  std::string variant;  // A/B variant name; empty when the template has none
  std::string locale;
  Time requested_at{};  // when the request is (or was) due to be sent
  Time expires_at{};    // after this an unanswered conversation counts as closed
  std::optional<int64_t> request_message_id;  // platform message id, once sent
  std::optional<int> rating;
  std::optional<std::string> comment;
  std::optional<int64_t> comment_message_id;  // lets an edited comment update the review
  std::optional<Time> answered_at;            // when the rating arrived
  // The comment prompt's platform message id, once sent: its Skip button goes away when
  // the customer types a comment instead.
  std::optional<int64_t> prompt_message_id;

  // Open means it blocks a new request: awaiting an answer and not expired at `now`.
  bool is_open(Time now) const {
    return (state == ConversationState::kAwaitingRating ||
            state == ConversationState::kAwaitingComment) &&
           now < expires_at;
  }
  bool operator==(const Conversation&) const = default;
};

// A stored review as the admin API lists it (a rated conversation).
struct Review {
  int64_t id = 0;  // the conversation id
  int rating = 0;
  std::optional<std::string> comment;
  std::optional<ChatId> chat_id;
  std::optional<std::string> external_id;
  std::string customer_name;  // the shop's name for the customer
  std::string telegram_name;  // the Telegram profile's name
  std::string username;       // Telegram @username without the @
  Trigger trigger = Trigger::kTransactionCompleted;
  std::optional<std::string> transaction_id;
  std::string template_name;
  std::string variant;
  std::string locale;
  Time requested_at{};
  Time answered_at{};
  // The sale asked about (transaction reviews), and when the owner marked it handled.
  std::optional<double> amount;
  std::string currency;
  std::vector<TransactionItem> items;
  std::optional<Time> handled_at;
};

struct Stats {
  int64_t requests_sent = 0;
  int64_t responses = 0;       // conversations with a rating
  double response_rate = 0.0;  // responses / requests_sent, 0 when none sent
  std::optional<double> average_rating;
  int64_t distribution[5] = {0, 0, 0, 0, 0};  // index 0 is rating 1
};

}  // namespace reviewbot::core
