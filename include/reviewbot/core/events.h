// Inbound events the Engine decides on. Platform adapters and the HTTP layer translate
// their input (Telegram updates, till events) into these; the core never sees raw JSON.
// Plain values; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reviewbot/core/messages.h"
#include "reviewbot/core/types.h"

namespace reviewbot::core {

// A text message from a chat (a direct bot chat, or a Business chat of the owner).
struct MessageReceived {
  ChatId chat_id = 0;
  UserId from_user_id = 0;
  int64_t message_id = 0;
  std::string text;           // may be empty (stickers, photos): the engine ignores those
  std::string from_name;      // first (+ last) name as the platform reports it
  std::string from_username;  // @username without the @; may be empty
  std::string language_code;  // IETF tag from the platform, e.g. "en", "pt-br"; may be empty
  bool edited = false;        // an edit of an earlier message (message_id identifies it)
  std::optional<std::string> business_connection_id;  // set for Business messages
};

// An inline keyboard button press.
struct CallbackPressed {
  ChatId chat_id = 0;
  UserId from_user_id = 0;
  std::string callback_query_id;  // must be answered (answerCallbackQuery)
  int64_t message_id = 0;         // message carrying the keyboard
  std::string data;               // callback_data, as the engine put it on the button
  std::string from_name;
  std::string from_username;
  std::string language_code;
  std::optional<std::string> business_connection_id;
};

// The customer blocked (kicked) or unblocked the bot.
struct MemberStatusChanged {
  ChatId chat_id = 0;
  bool blocked = false;  // true: kicked; false: member again
};

// What became of an outbox row the platform answered, reported back by the delivery module
// so that the rules, not the store, say what it means for the customer and conversation.
struct DeliveryReport {
  enum class Result {
    kSent,         // the platform took it; message_id is its id there
    kUnreachable,  // the platform says the chat is closed to the bot for good (403)
    kRefused,      // the platform refused this message for good (400): it was never shown
  };
  Result result = Result::kSent;
  MessageKind kind = MessageKind::kNotice;
  ChatId chat_id = 0;  // 0 for callback answers
  std::optional<int64_t> conversation_id;
  std::optional<int64_t> message_id;
};

// The owner connected, changed or disconnected the bot from their Telegram Business account.
struct BusinessConnectionChanged {
  std::string connection_id;
  UserId owner_user_id = 0;
  bool enabled = true;
};

// POST /v1/events, already validated by the HTTP layer.
struct TransactionEvent {
  enum class Type { kCompleted, kRefunded, kCancelled };
  std::string id;  // dedup key
  Type type = Type::kCompleted;
  Time occurred_at{};
  // customer
  std::optional<ChatId> telegram_chat_id;
  std::optional<std::string> external_id;
  std::string customer_name;
  std::string locale;
  // transaction
  std::string transaction_id;
  std::optional<double> amount;
  std::string currency;
  std::vector<TransactionItem> items;
  bool operator==(const TransactionEvent&) const = default;
};
const char* to_string(TransactionEvent::Type t);  // "transaction.completed", ...
std::optional<TransactionEvent::Type> transaction_type_from_string(const std::string& s);

// The owner answers a customer from the dashboard (a low rating or a free message).
struct OwnerReply {
  ChatId chat_id = 0;
  std::optional<int64_t> conversation_id;  // the review answered, if any
  std::string text;                        // plain text, as the owner typed it
};

using Event = std::variant<MessageReceived, CallbackPressed, MemberStatusChanged,
                           BusinessConnectionChanged, TransactionEvent, DeliveryReport, OwnerReply>;

}  // namespace reviewbot::core
