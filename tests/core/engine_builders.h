// Builders for the Engine's tests: inbound events and stored state with fixed ids and times,
// and `after`, which plays the store's part between two decisions. Single-threaded test use.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "reviewbot/core/engine.h"

namespace reviewbot::testing {

using namespace std::chrono_literals;

inline constexpr core::ChatId kChat = 1001;
inline constexpr core::ChatId kOwnerChat = 999;
inline constexpr int64_t kCustomerId = 7;
inline constexpr int64_t kConversationId = 42;
inline constexpr int64_t kRequestMessageId = 555;
inline constexpr const char* kReviewUrl = "https://reviews.test/cafe";
inline constexpr const char* kLinkSecret = "link-secret";

inline core::Time utc(int year, unsigned month, unsigned day, int hour, int minute = 0) {
  using namespace std::chrono;
  return time_point_cast<core::Duration>(sys_days{std::chrono::year{year} / month / day} +
                                         hours{hour} + minutes{minute});
}

// ---- events

inline core::MessageReceived text_from(core::ChatId chat, std::string text,
                                       int64_t message_id = 700) {
  core::MessageReceived m;
  m.chat_id = chat;
  m.from_user_id = chat;
  m.message_id = message_id;
  m.text = std::move(text);
  m.from_name = "Ann";
  m.language_code = "en";
  return m;
}

inline core::CallbackPressed press(core::ChatId chat, std::string data,
                                   int64_t message_id = kRequestMessageId) {
  core::CallbackPressed p;
  p.chat_id = chat;
  p.from_user_id = chat;
  p.callback_query_id = "cb-1";
  p.message_id = message_id;
  p.data = std::move(data);
  p.from_name = "Ann";
  p.language_code = "en";
  return p;
}

inline core::TransactionEvent sale(std::string id, std::optional<core::ChatId> chat,
                                   std::optional<std::string> external_id = std::nullopt) {
  core::TransactionEvent e;
  e.id = std::move(id);
  e.type = core::TransactionEvent::Type::kCompleted;
  e.occurred_at = utc(2026, 11, 22, 10);
  e.telegram_chat_id = chat;
  e.external_id = std::move(external_id);
  e.customer_name = "Ann";
  e.locale = "en";
  e.transaction_id = "T-1";
  e.amount = 42.5;
  e.currency = "USD";
  e.items = {{"Latte", "coffee"}};
  return e;
}

inline core::TransactionEvent refund(std::string id, std::string transaction_id = "T-1") {
  core::TransactionEvent e;
  e.id = std::move(id);
  e.type = core::TransactionEvent::Type::kRefunded;
  e.telegram_chat_id = kChat;
  e.transaction_id = std::move(transaction_id);
  return e;
}

// ---- stored state

inline core::Customer stored_customer(core::ChatId chat = kChat) {
  core::Customer c;
  c.id = kCustomerId;
  c.chat_id = chat;
  c.name = "Ann";
  c.telegram_name = "Ann";
  c.locale = "en";
  c.started_bot = true;
  return c;
}

// A request sent an hour before `now`, awaiting its rating.
inline core::Conversation awaiting_rating(core::Time now) {
  core::Conversation conv;
  conv.id = kConversationId;
  conv.customer_id = kCustomerId;
  conv.chat_id = kChat;
  conv.state = core::ConversationState::kAwaitingRating;
  conv.event_id = "evt-1";
  conv.transaction_id = "T-1";
  conv.template_name = "sale";
  conv.locale = "en";
  conv.requested_at = now - 1h;
  conv.expires_at = now + 24h * 6;
  conv.request_message_id = kRequestMessageId;
  return conv;
}

inline core::Conversation awaiting_comment(core::Time now, int rating) {
  core::Conversation conv = awaiting_rating(now);
  conv.state = core::ConversationState::kAwaitingComment;
  conv.rating = rating;
  conv.answered_at = now - 1min;
  return conv;
}

inline core::Snapshot with(std::optional<core::Customer> customer,
                           std::optional<core::Conversation> conv = std::nullopt) {
  core::Snapshot s;
  s.customer = std::move(customer);
  s.conversation = std::move(conv);
  return s;
}

// The state the next event would see after the store applied `d` (ids assigned).
inline core::Snapshot after(core::Snapshot s, const core::Decision& d) {
  if (d.customer) {
    s.customer = d.customer;
    if (s.customer->id == 0) s.customer->id = kCustomerId;
  }
  if (d.conversation) {
    s.conversation = d.conversation;
    if (s.conversation->id == 0) s.conversation->id = kConversationId + 1;
    if (s.conversation->customer_id == 0) s.conversation->customer_id = s.customer->id;
  }
  return s;
}

}  // namespace reviewbot::testing
