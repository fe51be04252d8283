// Outgoing messages the Engine asks to send, independent of any platform. The store keeps
// them in the outbox (serialized with to_json/from_json below); a PlatformClient turns one
// into an API call. Plain values; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reviewbot/core/types.h"

namespace reviewbot::core {

// An inline button: either sends callback_data back (≤ 64 bytes) or opens a URL.
struct Button {
  std::string text;
  std::string callback_data;  // empty for URL buttons
  std::string url;            // empty for callback buttons
};
using Keyboard = std::vector<std::vector<Button>>;  // rows of buttons

// Why a message exists. Cancellation and bookkeeping key on it; strings are stored.
enum class MessageKind {
  kRequest,         // the 1–5 question
  kReminder,        // one nudge if unanswered
  kRatingAck,       // edit of the request showing the chosen rating, keyboard removed
  kCommentPrompt,   // "anything to add?" with Skip
  kThankYou,        // after comment/skip, with REVIEW_URL
  kOwnerAlert,      // rating ≤ 2, to OWNER_CHAT_ID
  kCallbackAnswer,  // answerCallbackQuery
  kNotice,          // opt-out/opt-in confirmations and other one-off replies
  kOwnerReply,      // the owner's answer to a customer, sent from the dashboard
};
const char* to_string(MessageKind k);  // "request", "reminder", ...
std::optional<MessageKind> message_kind_from_string(const std::string& s);

struct SendText {
  ChatId chat_id = 0;
  std::string text;  // HTML (Telegram subset) when html is true; else plain text
  bool html = true;
  Keyboard keyboard;  // empty: no reply markup
  std::optional<std::string> business_connection_id;
  // What to send instead when the platform refuses the keyboard (same format as text):
  // a rating request then asks for a typed 1-5. Empty: the text itself.
  std::string text_without_keyboard = {};
};

// Replace the text (and drop the keyboard) of an earlier message.
struct EditText {
  ChatId chat_id = 0;
  int64_t message_id = 0;
  std::string text;
  bool html = true;
  std::optional<std::string> business_connection_id;
};

// Drop the keyboard of an earlier message, text unchanged.
struct RemoveKeyboard {
  ChatId chat_id = 0;
  int64_t message_id = 0;
  std::optional<std::string> business_connection_id;
};

struct AnswerCallback {
  std::string callback_query_id;
  std::string text;  // short toast; may be empty
};

using MessageBody = std::variant<SendText, EditText, RemoveKeyboard, AnswerCallback>;

// One outbox entry as the engine wants it.
struct OutgoingMessage {
  MessageKind kind = MessageKind::kNotice;
  MessageBody body;
  Time due_at{};  // send no earlier than this
  // The conversation it belongs to: 0 = the conversation created by this same decision;
  // nullopt = none. Lets answers/refunds cancel pending reminders and alerts.
  std::optional<int64_t> conversation_id;
  // to_json(body) when it was written ahead (the intake does, so that a store's serial
  // section only binds it), else empty. Whoever changes `body` afterwards clears it.
  std::string payload = {};
};

// The chat a message goes to (0 for AnswerCallback, which is not chat-ordered).
ChatId chat_of(const MessageBody& body);
// Points the message at another chat (a migrated group); AnswerCallback is left as it is.
void set_chat(MessageBody& body, ChatId chat);

// Outbox payload (de)serialization; from_json returns nullopt on a malformed payload.
std::string to_json(const MessageBody& body);
// The outbox payload of `m`: m.payload when written ahead, else to_json(m.body); with
// `moved_to`, the body pointed at that chat instead (its group migrated).
std::string outbox_payload(const OutgoingMessage& m, std::optional<ChatId> moved_to);
std::optional<MessageBody> message_body_from_json(const std::string& json);

}  // namespace reviewbot::core
