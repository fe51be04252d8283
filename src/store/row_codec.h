// Stored forms shared by the store backends: trigger names, the JSON payload of events
// waiting for a link, and review stats from per-rating counts. Pure functions; they throw
// std::runtime_error on malformed stored data (the backends catch at their boundary).
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "reviewbot/core/events.h"
#include "reviewbot/core/types.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::store::codec {

// SELECT lists of the customers and conversations columns in the order the backends read
// them (columns from 0), qualified with the given table alias ("" for none).
std::string customer_columns(const std::string& alias);
std::string conversation_columns(const std::string& alias);

// Stored names of triggers ("transaction.completed", "thank_you").
core::Trigger trigger_from_string(const std::string& s);  // throws on an unknown name

// `weeks` WeekRatings ending at `end`, oldest first, filled from (week index counted from
// the first week, responses, rating sum) rows; rows outside 0..weeks-1 are ignored.
std::vector<WeekRatings> weeks_from(core::Time end, int weeks,
                                    const std::vector<std::array<int64_t, 3>>& rows);

// A LIKE pattern matching any text that contains `text`: "%<text>%" with %, _ and the
// backslash escaped by a backslash (SQLite needs ESCAPE '\'; it is PostgreSQL's default).
std::string like_pattern(std::string_view text);

// conversations.items: a JSON array of {"name","category"}.
std::string items_to_json(const std::vector<core::TransactionItem>& items);
std::vector<core::TransactionItem> items_from_json(const std::string& text);  // throws

// The text an outbox payload sends or edits in ("" for other bodies and bad payloads) and
// whether it is Telegram HTML.
struct PayloadText {
  std::string text;
  bool html = false;
};
PayloadText payload_text(const std::string& payload);

// The SELECT list SentMessage rows are read from (outbox columns, alias "o"), in order:
// id, kind, chat_id, conversation_id, status, attempts, last_error, created_at, due_at,
// sent_at, payload.
inline constexpr const char* kSentMessageColumns =
    "o.id, o.kind, o.chat_id, o.conversation_id, o.status, o.attempts, o.last_error, "
    "o.created_at, o.due_at, o.sent_at, o.payload";

// pending_events payloads.
std::string event_to_json(const core::TransactionEvent& event);
core::TransactionEvent event_from_json(const std::string& json);  // throws when malformed

// Stats from the number of sent requests and (rating, count) pairs of rated conversations.
core::Stats stats_from(int64_t requests_sent, const std::vector<std::pair<int, int64_t>>& counts);

}  // namespace reviewbot::store::codec
