#include <algorithm>

#include "engine_internal.h"
#include "reviewbot/core/links.h"
#include "reviewbot/core/text_rules.h"

namespace reviewbot::core::detail {
namespace {

// In a private chat the customer's user id equals the chat id, so in a Business chat any
// other sender is the owner (or their staff) talking to the customer. Business updates on
// an unknown or disabled connection count for nothing.
bool not_from_customer(const Ctx& ctx, const std::optional<std::string>& business_connection_id,
                       UserId from_user_id, ChatId chat_id) {
  if (!business_connection_id) return false;
  const auto& connection = ctx.state.business_connection;
  // A connection the bot never heard of (no business_connection update) is not the owner's.
  if (!connection || !connection->enabled || from_user_id == connection->owner_user_id) {
    return true;
  }
  return from_user_id != chat_id;
}

// The latest conversation when it is open and was started in the same chat channel (bot
// chat or that Business connection), so a message meant for the owner is never taken as an
// answer to the bot.
const Conversation* answerable(const Ctx& ctx,
                               const std::optional<std::string>& business_connection_id) {
  const auto& conv = ctx.state.conversation;
  if (!conv || !conv->is_open(ctx.now) || conv->business_connection_id != business_connection_id) {
    return nullptr;
  }
  return &*conv;
}

void unpark(const Ctx& ctx, Customer& c, Decision& out) {
  const TransactionEvent* newest = nullptr;
  for (const auto& event : ctx.state.pending_events) {
    out.unparked_event_ids.push_back(event.id);
    if (event.type == TransactionEvent::Type::kCompleted) newest = &event;
  }
  if (!newest) return;
  if (is_stale(ctx, *newest)) {
    out.outcome = Outcome{Outcome::Status::kSkipped, "stale"};
    return;
  }
  out.outcome = request(ctx, c, sale_request(ctx, c, *newest), out);
}

// Says what the bot is (and how to stop it) when nothing else answers a /start.
void start(const Ctx& ctx, const MessageReceived& m, Customer& c, Decision& out) {
  out.outcome.status = Outcome::Status::kHandled;
  if (c.opted_out) {
    c.opted_out = false;
    notify(ctx, c, message::kOptedIn, std::nullopt, out);
  }
  if (const auto external_id = linked_external_id(ctx.settings, m)) {
    // A deep link binds once: a parameter another chat linked with (a receipt passed on, a
    // QR code photographed) neither moves nor renames that customer.
    if (ctx.state.external_id_chat && *ctx.state.external_id_chat != m.chat_id) {
      out.outcome.reason = "link already used by another chat";
    } else {
      c.external_id = external_id;
      unpark(ctx, c, out);
    }
  }
  const bool answered = std::any_of(out.messages.begin(), out.messages.end(),
                                    [&](const OutgoingMessage& o) { return o.due_at <= ctx.now; });
  if (!answered) notify(ctx, c, message::kWelcome, std::nullopt, out);
}

void help(const Ctx& ctx, const Customer& c, Decision& out) {
  notify(ctx, c, c.opted_out ? message::kOptedOut : message::kWelcome, std::nullopt, out);
  out.outcome.status = Outcome::Status::kHandled;
}

void opt_out(const Ctx& ctx, const MessageReceived& m, Customer& c, Decision& out) {
  c.opted_out = true;
  close_open_conversation(ctx, out);
  notify(ctx, c, message::kOptedOut, m.business_connection_id, out);
  out.outcome.status = Outcome::Status::kHandled;
}

void thank_you(const Ctx& ctx, const MessageReceived& m, Customer& c, Decision& out) {
  RequestSpec spec;
  spec.trigger = Trigger::kThankYou;
  spec.business_connection_id = m.business_connection_id;
  spec.due = ctx.now;
  out.outcome = request(ctx, c, spec, out);
}

// Words for the owner: what the customer wrote to the bot that answers nothing. Business
// chats are the owner's own Telegram chats, where the owner reads them anyway; commands
// are for the bot, and a bare rating that counted for nothing says nothing to the owner.
void keep_for_inbox(const MessageReceived& m, Decision& out) {
  if (m.business_connection_id || m.text.front() == '/' || parse_typed_rating(m.text)) return;
  out.inbox_message = InboxMessage{m.chat_id, m.message_id, m.text};
  out.outcome.status = Outcome::Status::kHandled;
}

void interpret(const Ctx& ctx, const MessageReceived& m, Customer& c, Decision& out) {
  if (is_opt_out(m.text)) return opt_out(ctx, m, c, out);
  if (!m.business_connection_id && parse_start_command(m.text)) return start(ctx, m, c, out);
  if (!m.business_connection_id && parse_command(m.text, "/help")) return help(ctx, c, out);
  const Conversation* conv = answerable(ctx, m.business_connection_id);
  if (conv && conv->state == ConversationState::kAwaitingComment) {
    return finish(ctx, c, *conv, m.text, m.message_id, out);
  }
  if (conv) {
    // A digit typed before a delayed request went out answers nothing the customer saw.
    const auto rating = parse_typed_rating(m.text);
    if (rating && conv->requested_at <= ctx.now) return rate(ctx, c, *conv, *rating, nullptr, out);
  } else if (is_thank_you(m.text)) {
    return thank_you(ctx, m, c, out);
  }
  keep_for_inbox(m, out);
}

void edit_comment(const Ctx& ctx, const MessageReceived& m, Decision& out) {
  const auto& conv = ctx.state.conversation;
  if (!conv || conv->comment_message_id != m.message_id) return;
  Conversation updated = *conv;
  updated.comment = m.text;
  out.conversation = std::move(updated);
  out.outcome.status = Outcome::Status::kHandled;
}

std::optional<int> rating_from_data(const std::string& data) {
  const std::string prefix = kRateData;
  if (data.size() != prefix.size() + 1 || data.compare(0, prefix.size(), prefix) != 0) {
    return std::nullopt;
  }
  const char digit = data.back();
  if (digit < '1' || digit > '5') return std::nullopt;
  return digit - '0';
}

const Conversation* open_awaiting(const Ctx& ctx, ConversationState state) {
  const auto& conv = ctx.state.conversation;
  if (!conv || !conv->is_open(ctx.now) || conv->state != state) return nullptr;
  return &*conv;
}

// A rating button counts only on the request it was sent with.
const Conversation* rateable(const Ctx& ctx, const CallbackPressed& p) {
  const Conversation* conv = open_awaiting(ctx, ConversationState::kAwaitingRating);
  if (!conv || (conv->request_message_id && *conv->request_message_id != p.message_id)) {
    return nullptr;
  }
  return conv;
}

void answer(const CallbackPressed& p, std::string text, Time now, Decision& out) {
  out.messages.push_back(outgoing(MessageKind::kCallbackAnswer,
                                  AnswerCallback{p.callback_query_id, std::move(text)}, now,
                                  std::nullopt));
}

void skip(const Ctx& ctx, const CallbackPressed& p, const Customer& c, const Conversation& conv,
          Decision& out) {
  answer(p, "", ctx.now, out);
  out.messages.push_back(outgoing(
      MessageKind::kCommentPrompt,
      RemoveKeyboard{conv.chat_id, p.message_id, conv.business_connection_id}, ctx.now, conv.id));
  finish(ctx, c, conv, std::nullopt, std::nullopt, out);
}

void closed(const Ctx& ctx, const CallbackPressed& p, const Customer& c, Decision& out) {
  answer(p, render(ctx, message::kClosed, c.locale, customer_vars(ctx, c)).value_or(""), ctx.now,
         out);
}

void press_button(const Ctx& ctx, const CallbackPressed& p, const Customer& c, Decision& out) {
  if (const auto rating = rating_from_data(p.data)) {
    if (const Conversation* conv = rateable(ctx, p)) return rate(ctx, c, *conv, *rating, &p, out);
  } else if (p.data == kSkipData) {
    const Conversation* conv = open_awaiting(ctx, ConversationState::kAwaitingComment);
    if (conv) return skip(ctx, p, c, *conv, out);
  }
  closed(ctx, p, c, out);
}

}  // namespace

std::optional<std::string> linked_external_id(const EngineSettings& settings,
                                              const MessageReceived& m) {
  if (m.business_connection_id || m.edited) return std::nullopt;
  const auto parameter = parse_start_command(m.text);
  if (!parameter || parameter->empty()) return std::nullopt;
  return verify_start_parameter(settings.link_secret, *parameter);
}

Decision on_message(const Ctx& shared, const MessageReceived& m) {
  Decision out;
  if (m.text.empty()) return out;
  if (auto owner = on_owner_message(shared, m)) return std::move(*owner);
  if (not_from_customer(shared, m.business_connection_id, m.from_user_id, m.chat_id)) return out;
  // The customer found by a deep link's external id belongs to another chat: this chat
  // is someone new, and that customer's conversation is none of its business.
  Snapshot own = shared.state;
  if (own.customer && own.customer->chat_id && *own.customer->chat_id != m.chat_id) {
    own.customer.reset();
    own.conversation.reset();
  }
  const Ctx ctx{shared.policy, shared.settings, shared.templates, own, shared.now};
  Customer c = refreshed_customer(ctx, m.chat_id, {m.from_name, m.from_username, m.language_code},
                                  m.business_connection_id);
  if (m.edited) {
    edit_comment(ctx, m, out);
  } else {
    interpret(ctx, m, c, out);
  }
  keep_customer(ctx, c, out);
  return out;
}

Decision on_callback(const Ctx& ctx, const CallbackPressed& p) {
  Decision out;
  // In a private chat only its user can press its buttons; anyone else is a forgery.
  const bool stranger_in_private_chat =
      !p.business_connection_id && p.chat_id > 0 && p.from_user_id != p.chat_id;
  if (stranger_in_private_chat ||
      not_from_customer(ctx, p.business_connection_id, p.from_user_id, p.chat_id)) {
    answer(p, "", ctx.now, out);
    return out;
  }
  if (!ctx.state.customer) {
    Customer stranger;
    stranger.locale = p.language_code;
    closed(ctx, p, stranger, out);
    return out;
  }
  Customer c = refreshed_customer(ctx, p.chat_id, {p.from_name, p.from_username, p.language_code},
                                  p.business_connection_id);
  press_button(ctx, p, c, out);
  keep_customer(ctx, c, out);
  return out;
}

Decision on_member_status(const Ctx& ctx, const MemberStatusChanged& e) {
  Decision out;
  if (!ctx.state.customer) {
    // Remember a block even before the first sale names this chat, so that sale is skipped.
    if (!e.blocked) return out;
    Customer c;
    c.chat_id = e.chat_id;
    c.unreachable = true;
    out.customer = c;
    out.outcome.status = Outcome::Status::kHandled;
    return out;
  }
  Customer c = *ctx.state.customer;
  c.unreachable = e.blocked;
  const bool closed_conversation = e.blocked && close_open_conversation(ctx, out);
  if (closed_conversation || !same_customer(c, *ctx.state.customer)) {
    out.outcome.status = Outcome::Status::kHandled;
  }
  keep_customer(ctx, c, out);
  return out;
}

}  // namespace reviewbot::core::detail
