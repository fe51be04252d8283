// Private to the engine's sources: the pieces Engine::decide is assembled from, one file
// per rule group (chat updates, answers, requests, transactions, message building).
// Everything is a pure function of a Ctx and the event; nothing here is thread-hostile.
//
// Rules the public contract leaves open, decided here:
// - Customer profile refreshes (name, locale, started_bot) do not by themselves make a chat
//   update kHandled; a started policy request reports kScheduled or kSkipped with its reason.
// - A direct message or button press also clears `unreachable` (the chat is evidently open).
// - Sale requests are due at REQUEST_DELAY after the event is received (occurred_at is
//   informational), moved out of quiet hours; thank-you requests answer the customer's own
//   message, so they go out at once, quiet hours or not. Linking (/start <param>) schedules
//   the newest waiting sale like a new sale.
// - Answers (typed ratings, comments) count only in the channel the conversation started in
//   (bot chat or that Business connection); /start and links only in the bot's own chat.
// - A Business message or press from anyone but the chat's user, or on an unknown or
//   disabled connection, is ignored (a press still gets an empty callback answer); so is a
//   press in a private chat by anyone but its user.
// - An invalid /start parameter is treated as a bare /start; so is a valid one that another
//   chat has linked with already (a deep link binds once, and never moves a customer).
// - Chat updates set the Telegram name and @username, never the shop's name; Business
//   updates only fill them in when empty.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/engine.h"

namespace reviewbot::core::detail {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// Everything a rule may read for one decision.
struct Ctx {
  const Policy& policy;
  const EngineSettings& settings;
  const TemplateSet& templates;
  const Snapshot& state;
  Time now;
};

inline constexpr const char* kRateData = "rate:";  // + "1".."5"
inline constexpr const char* kSkipData = "skip";

// ---- engine_render.cpp: message building

// Vars every message may use: business name, customer name, review URL.
RenderVars customer_vars(const Ctx& ctx, const Customer& customer);
// customer_vars plus the conversation's transaction, rating and comment.
RenderVars conversation_vars(const Ctx& ctx, const Customer& customer, const Conversation& conv);
// A fixed message; nullopt (and the message is not sent) if no locale defines it.
std::optional<std::string> render(const Ctx& ctx, const char* name, const std::string& locale,
                                  const RenderVars& vars);
Keyboard rating_keyboard();  // one row, "1 ⭐".."5 ⭐" → "rate:1".."rate:5"
Keyboard skip_keyboard(const Ctx& ctx, const std::string& locale);
std::string stars(int rating);  // "★★★★☆" for 4
OutgoingMessage outgoing(MessageKind kind, MessageBody body, Time due,
                         std::optional<int64_t> conversation_id);
// A kNotice to the customer's chat, due now; nothing when the customer has no chat.
void notify(const Ctx& ctx, const Customer& customer, const char* name,
            const std::optional<std::string>& business_connection_id, Decision& out);

// ---- engine_requests.cpp: policy and new requests

struct RequestSpec {
  Trigger trigger = Trigger::kTransactionCompleted;
  std::optional<std::string> event_id;
  std::optional<std::string> transaction_id;
  std::vector<TransactionItem> items;
  std::optional<double> amount;
  std::string currency;
  std::optional<std::string> business_connection_id;  // replies go through it
  Time due{};
};

// The request a completed sale asks for, due at transaction_due(). Replies go through the
// customer's Business connection only when they never wrote to the bot directly.
RequestSpec sale_request(const Ctx& ctx, const Customer& customer, const TransactionEvent& e);

// When a sale's request is due: REQUEST_DELAY after now, moved out of quiet hours.
Time transaction_due(const Ctx& ctx);

// The sale happened longer ago than MAX_EVENT_AGE (engine_transactions.cpp).
bool is_stale(const Ctx& ctx, const TransactionEvent& e);

// Applies the policy (opted_out, unreachable, cooldown, conversation_open, no_template, in
// that order). On kScheduled: out gets the new conversation and its request, and
// customer.last_request_at is set to the due time. On kSkipped nothing is added.
Outcome request(const Ctx& ctx, Customer& customer, const RequestSpec& spec, Decision& out);

// The reminder of `conv`'s request, which was sent now: due REMINDER_AFTER later (moved out
// of quiet hours), unless REMINDER_AFTER is 0 or the conversation expires first. It is
// scheduled when the request is sent, not with it, so a request that never reached the
// customer gets no reminder, and a request delivered late still gets its full wait.
void add_reminder(const Ctx& ctx, const Customer& c, const Conversation& conv, Decision& out);

// Ends the latest conversation if it is open (opt-out, block): unrated → kCancelled with
// every pending row cancelled; rated → kDone without a comment, keeping the pending owner
// alert so the owner still hears about a low rating. Returns whether it changed anything.
bool close_open_conversation(const Ctx& ctx, Decision& out);

// ---- engine_answers.cpp: the conversation state machine

// Records a valid rating for `conv` (open, awaiting rating). `pressed` is the button press,
// or nullptr for a typed rating.
void rate(const Ctx& ctx, const Customer& customer, Conversation conv, int rating,
          const CallbackPressed* pressed, Decision& out);
// Finishes `conv` (awaiting comment) with a comment or, for Skip, without one.
void finish(const Ctx& ctx, const Customer& customer, Conversation conv,
            std::optional<std::string> comment, std::optional<int64_t> comment_message_id,
            Decision& out);

// ---- engine_chat.cpp: chat updates

// The external id of a "/start <param>" in a direct chat whose param verifies.
std::optional<std::string> linked_external_id(const EngineSettings& settings,
                                              const MessageReceived& m);
Decision on_message(const Ctx& ctx, const MessageReceived& m);
Decision on_callback(const Ctx& ctx, const CallbackPressed& p);
Decision on_member_status(const Ctx& ctx, const MemberStatusChanged& e);

// ---- engine_delivery.cpp: what delivery results mean

Decision on_delivery_report(const Ctx& ctx, const DeliveryReport& r);

// ---- engine_transactions.cpp

Decision on_transaction(const Ctx& ctx, const TransactionEvent& e);

// ---- engine_owner.cpp: the owner's chat and replies

// "/start <owner parameter>" in a direct chat links it as the owner's; in an owner chat,
// /stop unlinks it and anything else is ignored. nullopt: not the owner's business.
std::optional<Decision> on_owner_message(const Ctx& ctx, const MessageReceived& m);
Decision on_owner_reply(const Ctx& ctx, const OwnerReply& r);
// Every chat that gets owner alerts: OWNER_CHAT_ID and the linked chats, each once.
std::vector<ChatId> alert_chats(const Ctx& ctx);

// ---- shared

// What a chat update says about its sender.
struct Profile {
  const std::string& name;
  const std::string& username;
  const std::string& language_code;
};

// Profile, locale and channel from a chat update applied to the stored customer (or a new
// one). Sets telegram_name and username, never the shop's name.
Customer refreshed_customer(const Ctx& ctx, ChatId chat_id, const Profile& profile,
                            const std::optional<std::string>& business_connection_id);
// OWNER_CHAT_ID or a chat linked with an owner deep link (needs lookup.owner_chats).
bool is_owner_chat(const Ctx& ctx, ChatId chat);
bool same_customer(const Customer& a, const Customer& b);
// Sets out.customer when `customer` differs from the stored one (or is new).
void keep_customer(const Ctx& ctx, const Customer& customer, Decision& out);

}  // namespace reviewbot::core::detail
