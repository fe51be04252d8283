// Shared setup for the Engine's tests: short in-memory templates (so the tests do not depend
// on the wording of the shipped ones), an Engine with known settings, builders for events and
// stored state, and finders over a Decision's messages. Single-threaded test use.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

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

inline core::TemplateSet test_templates() {
  std::vector<core::TemplateSet::Rule> rules{
      {"sale", core::Trigger::kTransactionCompleted, {}, {}, {}, {}},
      {"thanks", core::Trigger::kThankYou, {}, {}, {}, {}},
  };
  std::map<std::string, std::map<std::string, std::string>> sources{
      {"en",
       {
           {"sale", "How was it, {{customer_name}}?"},
           {"thanks", "Glad you liked it, {{customer_name}}! Rate us?"},
           {"reminder", "Reminder from {{business_name}}"},
           {"rating_ack", "You rated {{rating}}"},
           {"comment_prompt", "Anything to add?"},
           {"skip_button", "Skip"},
           {"thank_you", "Thank you!"},
           {"review_button", "Review us"},
           {"owner_alert", "Rating {{rating}} from {{customer_name}}: {{comment}}"},
           {"opted_out", "Unsubscribed"},
           {"opted_in", "Welcome back"},
           {"closed", "Closed"},
           {"typed_rating_hint", "Reply 1-5"},
       }},
  };
  return core::TemplateSet(std::move(rules), std::move(sources));
}

// Quiet hours off and UTC unless a test sets them; defaults otherwise.
struct EngineFixture {
  core::TemplateSet templates = test_templates();
  core::Policy policy = [] {
    core::Policy p;
    p.quiet_hours.reset();
    return p;
  }();
  core::EngineSettings settings{"Cafe", kReviewUrl, kOwnerChat, kLinkSecret};
  core::Time now = utc(2026, 11, 22, 12);

  core::Decision decide(const core::Event& event, const core::Snapshot& state = {}) const {
    return core::Engine(policy, settings, templates).decide(event, state, now);
  }
  core::Lookup lookup(const core::Event& event) const {
    return core::Engine(policy, settings, templates).lookup_for(event);
  }
};

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

// ---- finders

inline std::vector<core::MessageKind> kinds(const core::Decision& d) {
  std::vector<core::MessageKind> out;
  for (const auto& m : d.messages) out.push_back(m.kind);
  return out;
}

inline const core::OutgoingMessage& only(const core::Decision& d, core::MessageKind kind) {
  const core::OutgoingMessage* found = nullptr;
  int count = 0;
  for (const auto& m : d.messages) {
    if (m.kind == kind) {
      found = &m;
      ++count;
    }
  }
  INFO("messages of kind " << core::to_string(kind));
  REQUIRE(count == 1);
  return *found;
}

inline bool has(const core::Decision& d, core::MessageKind kind) {
  for (const auto& m : d.messages) {
    if (m.kind == kind) return true;
  }
  return false;
}

inline const core::SendText& text_of(const core::OutgoingMessage& m) {
  REQUIRE(std::holds_alternative<core::SendText>(m.body));
  return std::get<core::SendText>(m.body);
}

}  // namespace reviewbot::testing
