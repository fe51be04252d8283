// Validates the body of POST /v1/events and turns it into a core::TransactionEvent.
// Every refusal names the offending field as a dotted path ("customer.telegram_chat_id",
// "transaction.items[2].name") so the till's developer can fix it. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "reviewbot/core/events.h"
#include "reviewbot/core/types.h"
#include "reviewbot/http/field_result.h"

namespace reviewbot::http {

using EventParseError = FieldError;
using EventParseResult = FieldResult<core::TransactionEvent>;

inline constexpr std::size_t kMaxEventIdBytes = 200;
inline constexpr std::size_t kMaxEventTextBytes = 200;  // transaction.id, names
inline constexpr std::size_t kMaxEventItems = 100;

// Rules (unknown fields are ignored; null counts as absent for optional fields):
//   id           required, non-empty string, at most 200 bytes
//   type         required: transaction.completed | transaction.refunded | transaction.cancelled
//   occurred_at  RFC 3339 with Z or an offset; at most 24 h ahead of received_at
//   customer     object: telegram_chat_id (a private chat: 1..2^63-1) and/or external_id
//                (non-empty, at most 39 bytes: what a deep link carries), name and locale
//                optional strings; names are cleaned (core::clean_name)
//   transaction  object: id (required, non-empty string), amount (number >= 0), currency
//                (3 letters, upper-cased), items (array of at most 100 {name, category?})
// transaction.completed requires occurred_at, customer with at least one identifier, and
// transaction.id. Refunds and cancellations require only id, type and transaction.id; a
// missing occurred_at becomes `received_at`. Fields present are always type-checked.
EventParseResult parse_event(std::string_view body, core::Time received_at);

}  // namespace reviewbot::http
