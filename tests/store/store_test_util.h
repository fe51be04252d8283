// Builders for store tests on any backend: times, dedup keys, hand-made Decisions, and
// process() helpers that apply a Decision or peek at a Snapshot through the InputStore
// interface only. Single-threaded test use only.
#pragma once

#include <catch2/catch.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reviewbot/store/store.h"

namespace reviewbot::testing {

inline core::Time at(int64_t seconds) {
  return core::from_millis(1'800'000'000'000 + seconds * 1000);
}

inline store::InboundKey event_key(const std::string& id) {
  return {store::InboundKey::Source::kEvent, id};
}
inline store::InboundKey update_key(int64_t id) {
  return {store::InboundKey::Source::kTelegramUpdate, std::to_string(id)};
}

inline core::Customer make_customer(std::optional<core::ChatId> chat,
                                    std::optional<std::string> external_id = std::nullopt,
                                    std::string name = "Ann") {
  core::Customer c;
  c.chat_id = chat;
  c.external_id = std::move(external_id);
  c.name = std::move(name);
  c.locale = "en";
  return c;
}

inline core::Conversation make_conversation(core::ChatId chat,
                                            std::optional<std::string> transaction = std::nullopt) {
  core::Conversation c;
  c.chat_id = chat;
  c.transaction_id = std::move(transaction);
  c.template_name = "default";
  c.locale = "en";
  c.requested_at = at(0);
  c.expires_at = at(7 * 86400);
  return c;
}

inline core::OutgoingMessage make_text(core::MessageKind kind, core::ChatId chat, std::string text,
                                       core::Time due = at(0),
                                       std::optional<int64_t> conversation = std::nullopt) {
  return core::OutgoingMessage{kind, core::SendText{chat, std::move(text), true, {}, {}}, due,
                               conversation};
}

// A decision creating a customer for `chat`, a conversation and its request message.
inline core::Decision request_decision(core::ChatId chat, core::Time due = at(0)) {
  core::Decision d;
  d.outcome.status = core::Outcome::Status::kScheduled;
  d.customer = make_customer(chat);
  d.conversation = make_conversation(chat);
  d.messages.push_back(make_text(core::MessageKind::kRequest, chat, "How was it?", due, 0));
  return d;
}

inline store::ProcessResult apply(store::InputStore& s, const store::InboundKey& key,
                                  const core::Decision& decision, const core::Lookup& lookup = {}) {
  return s.process(key, lookup, [&](const core::Snapshot&) { return decision; });
}

// The Snapshot the store loads for `lookup`, read in a transaction that is then rolled
// back (the decide function throws), so peeking leaves no trace.
inline core::Snapshot peek(store::InputStore& s, const core::Lookup& lookup) {
  core::Snapshot seen;
  auto result =
      s.process(event_key("peek"), lookup, [&](const core::Snapshot& snap) -> core::Decision {
        seen = snap;
        throw std::runtime_error("peek only");
      });
  REQUIRE(result.status == store::ProcessResult::Status::kUnavailable);
  return seen;
}

}  // namespace reviewbot::testing
