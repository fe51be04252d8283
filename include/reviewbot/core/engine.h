// The Engine holds every product rule and does no I/O. For one inbound event it says what
// stored state it needs (lookup_for), then, given that state and the time, returns the
// Decision: state changes and outgoing messages. The store applies a Decision atomically.
// Immutable after construction and safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/events.h"
#include "reviewbot/core/messages.h"
#include "reviewbot/core/policy.h"
#include "reviewbot/core/templates.h"
#include "reviewbot/core/types.h"

namespace reviewbot::core {

// Keys of the state an event needs; the store loads a Snapshot for them.
struct Lookup {
  std::optional<ChatId> chat_id;              // customer by chat (and their latest conversation)
  std::optional<std::string> external_id;     // customer by external id, or pending events
  std::optional<std::string> transaction_id;  // latest conversation for a transaction
  std::optional<std::string> business_connection_id;
  bool owner_chats = false;  // the chats linked as the owner's (Snapshot::owner_chats)
};

struct BusinessConnection {
  std::string id;
  UserId owner_user_id = 0;
  bool enabled = true;
  bool operator==(const BusinessConnection&) const = default;
};

// Stored state for one event, loaded inside the event's transaction.
struct Snapshot {
  // Customer by chat_id if the lookup has one and it is stored, else by external_id.
  std::optional<Customer> customer;
  // That customer's most recent conversation (any state).
  std::optional<Conversation> conversation;
  // Most recent conversation with lookup.transaction_id.
  std::optional<Conversation> transaction_conversation;
  std::optional<BusinessConnection> business_connection;
  // Events waiting for lookup.external_id to be linked, oldest first.
  std::vector<TransactionEvent> pending_events;
  // Chats linked with an owner deep link (when lookup.owner_chats), ascending.
  std::vector<ChatId> owner_chats;
  // The chat of the customer holding lookup.external_id (nullopt: nobody holds it, or that
  // customer has no chat), so a deep link binds one chat only.
  std::optional<ChatId> external_id_chat;
  // Equal snapshots get equal decisions (at the same time): the intake decides early on a
  // snapshot read outside the write transaction and keeps that decision when the
  // transaction's own snapshot is equal.
  bool operator==(const Snapshot&) const = default;
};

// The answer for POST /v1/events (and a log line for every event).
struct Outcome {
  enum class Status {
    kScheduled,    // a request was created (maybe due later)
    kPendingLink,  // waiting for the customer to link their external id
    kSkipped,      // policy said no; reason says why
    kCancelled,    // refund/cancel closed an unanswered request
    kNothingToCancel,
    kHandled,  // a chat update changed something
    kIgnored,  // a chat update needed nothing
  };
  Outcome() = default;
  Outcome(Status s, std::string why = "", std::optional<Time> due = std::nullopt)
      : status(s), reason(std::move(why)), send_at(due) {}

  Status status = Status::kIgnored;
  // For kSkipped: "opted_out" | "unreachable" | "cooldown" | "conversation_open" |
  // "no_template" | "owner_chat" | "stale". For others, a short free-form note (may be empty).
  std::string reason;
  // For kScheduled: when the request is due to be sent (after REQUEST_DELAY and quiet
  // hours).
  std::optional<Time> send_at;
};
const char* to_string(Outcome::Status s);  // "scheduled", "pending_link", ...

// Pending outbox rows to cancel (applied before new messages are inserted).
struct Cancellation {
  int64_t conversation_id = 0;     // 0 = none; never refers to a conversation created now
  std::vector<MessageKind> kinds;  // empty = every pending row of the conversation
};

// A customer's message that is no answer to the bot, for the owner's inbox.
struct InboxMessage {
  ChatId chat_id = 0;
  int64_t message_id = 0;
  std::string text;
};

// The owner's chat linked (an owner deep link) or unlinked (/stop in it).
struct OwnerChatChange {
  ChatId chat_id = 0;
  bool linked = true;
};

struct Decision {
  Outcome outcome;
  // Whole customer row to insert (id 0) or update.
  std::optional<Customer> customer;
  // Whole conversation row to insert (id 0) or update. On insert, customer_id 0 means
  // "the customer of this decision".
  std::optional<Conversation> conversation;
  std::vector<Cancellation> cancellations;
  std::optional<ChatId> cancel_chat;      // cancel every pending row to this chat (before messages)
  std::vector<OutgoingMessage> messages;  // conversation_id 0 = the one inserted above
  std::optional<BusinessConnection> business_connection;  // upsert
  std::optional<TransactionEvent> park;                   // wait for a link
  std::vector<std::string> unparked_event_ids;            // pending events now consumed
  std::optional<InboxMessage> inbox_message;              // for the customer of this decision
  std::optional<OwnerChatChange> owner_chat;
};

// Settings the rules read besides Policy.
struct EngineSettings {
  std::string business_name;
  std::string review_url;               // offered after every rating; empty: none
  std::optional<ChatId> owner_chat_id;  // OWNER_CHAT_ID; linked owner chats get alerts too
  std::string link_secret;              // verifies /start parameters
  // Where the dashboard is (PUBLIC_URL + "/admin"), for links in owner alerts; empty: none.
  std::string dashboard_url;
};

class Engine {
 public:
  // `templates` must outlive the Engine.
  Engine(Policy policy, EngineSettings settings, const TemplateSet& templates);

  Lookup lookup_for(const Event& event) const;
  Decision decide(const Event& event, const Snapshot& state, Time now) const;

  const Policy& policy() const { return policy_; }
  const EngineSettings& settings() const { return settings_; }

 private:
  Policy policy_;
  EngineSettings settings_;
  const TemplateSet& templates_;
};

}  // namespace reviewbot::core
