// Helpers for the outbox contract suites: enqueue messages through process(), claim them
// as an owner, and find claimed rows by text. Interface calls only. Single-threaded.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "store/store_test_util.h"

namespace reviewbot::testing {

using Delivery = store::DeliveryOutcome::Status;

// Two instances sharing one outbox; leases last 20 s from the given time.
inline const std::string kThisInstance = "web.1";
inline const std::string kOtherInstance = "web.2";
inline store::Lease lease_for(const std::string& owner, core::Time now) {
  return {owner, now + std::chrono::seconds(20)};
}

inline void enqueue(store::InputStore& s, const std::string& key,
                    std::vector<core::OutgoingMessage> messages) {
  core::Decision d;
  d.messages = std::move(messages);
  REQUIRE(apply(s, event_key(key), d).status == store::ProcessResult::Status::kApplied);
}

inline std::string text_of(const store::OutboxRow& row) {
  if (const auto* text = std::get_if<core::SendText>(&row.body)) return text->text;
  return "callback";
}

inline std::vector<store::OutboxRow> claim(store::OutboxStore& s, core::Time now, int limit = 10,
                                           const std::string& owner = kThisInstance) {
  auto rows = s.claim_due(lease_for(owner, now), now, limit);
  if (!rows) FAIL("claim_due: " << rows.error().message);
  return std::move(rows).value();
}

inline std::vector<std::string> texts(const std::vector<store::OutboxRow>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(text_of(row));
  return out;
}

inline std::vector<std::string> claim_texts(store::OutboxStore& s, core::Time now, int limit = 10,
                                            const std::string& owner = kThisInstance) {
  return texts(claim(s, now, limit, owner));
}

inline int64_t id_of(const std::vector<store::OutboxRow>& rows, const std::string& text) {
  const auto it = std::find_if(rows.begin(), rows.end(),
                               [&](const store::OutboxRow& r) { return text_of(r) == text; });
  REQUIRE(it != rows.end());
  return it->id;
}

inline store::DeliveryOutcome outcome(Delivery status, core::Time retry_at = {},
                                      std::string reason = "",
                                      std::optional<int64_t> message_id = std::nullopt) {
  return {status, message_id, retry_at, std::move(reason)};
}

}  // namespace reviewbot::testing
