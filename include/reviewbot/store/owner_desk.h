// OwnerDesk is the store side of the owner's daily work in the dashboard: the inbox (low
// ratings and customers' own messages not yet handled), each review's messages with their
// delivery state, failed sends, figures per template variant, and the chats linked for
// alerts. Replies to customers go through the intake (InputStore) like every input; this
// only reads them back. Implementations are thread-safe; SQL stays inside them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/messages.h"
#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::store {

// One outbox row as the owner sees it.
struct SentMessage {
  int64_t id = 0;
  core::MessageKind kind = core::MessageKind::kNotice;
  core::ChatId chat_id = 0;
  std::optional<int64_t> conversation_id;
  std::string status;  // "pending" | "sent" | "failed" | "cancelled"
  int attempts = 0;
  std::optional<std::string> last_error;  // why the last attempt failed, if it did
  core::Time created_at{};
  core::Time due_at{};
  std::optional<core::Time> sent_at;
  std::string text;   // what the message says ("" for keyboard removals and callback answers)
  bool html = false;  // text is Telegram HTML (else plain text)
};

// Who a customer is, as the owner's views show them.
struct CustomerNames {
  core::ChatId chat_id = 0;
  std::string name;  // the shop's
  std::string telegram_name;
  std::string username;
  std::optional<std::string> external_id;
};

struct InboxItem {
  enum class Kind { kReview, kMessage };
  Kind kind = Kind::kReview;
  int64_t id = 0;  // the review's (conversation's) id, or the message's
  CustomerNames customer;
  std::optional<int> rating;           // kReview
  std::optional<std::string> comment;  // kReview
  std::string text;                    // kMessage
  core::Time at{};                     // answered or received
  std::vector<SentMessage> replies;    // the owner's replies so far, oldest first
};
const char* to_string(InboxItem::Kind kind);  // "review" | "message"

// How one request template (and A/B variant) does.
struct VariantStats {
  std::string template_name;
  std::string variant;  // "" when the template has none
  int64_t requests_sent = 0;
  int64_t responses = 0;
  int64_t rating_sum = 0;  // average = rating_sum / responses
  bool operator==(const VariantStats&) const = default;
};

struct OwnerChat {
  core::ChatId chat_id = 0;
  core::Time linked_at{};
};

class OwnerDesk {
 public:
  virtual ~OwnerDesk() = default;

  // Reviews rated ≤ 2 and inbox messages not marked handled, newest first, at most `limit`.
  virtual core::Result<std::vector<InboxItem>> inbox(int limit) = 0;
  // False when there is no such item or it was handled already.
  virtual core::Result<bool> mark_handled(InboxItem::Kind kind, int64_t id, const std::string& by,
                                          core::Time now) = 0;
  // The customer's inbox message with this id, for a reply to it.
  virtual core::Result<std::optional<InboxItem>> inbox_message(int64_t id) = 0;

  // Every outbox row of a conversation, oldest first.
  virtual core::Result<std::vector<SentMessage>> conversation_messages(int64_t conversation_id) = 0;
  // Rows given up on, newest first.
  virtual core::Result<std::vector<SentMessage>> failed_messages(int limit) = 0;

  // Per template and variant, by name: requests sent, responses and their rating sum.
  virtual core::Result<std::vector<VariantStats>> variant_stats() = 0;

  virtual core::Result<std::vector<OwnerChat>> owner_chats() = 0;  // by chat id
  virtual core::Result<bool> unlink_owner_chat(core::ChatId chat) = 0;
};

}  // namespace reviewbot::store
