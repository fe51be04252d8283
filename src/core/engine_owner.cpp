// The owner's side of the chat: linking the owner's Telegram chat for alerts with a signed
// owner deep link, keeping that chat out of the review flow, and the owner's replies to
// customers from the dashboard. Owner-facing text is English, as the alerts are.
#include <algorithm>

#include "engine_internal.h"
#include "reviewbot/core/links.h"
#include "reviewbot/core/text_rules.h"

namespace reviewbot::core::detail {
namespace {

bool linked(const Ctx& ctx, ChatId chat) {
  const auto& chats = ctx.state.owner_chats;
  return std::binary_search(chats.begin(), chats.end(), chat);
}

void tell_owner(const Ctx& ctx, ChatId chat, std::string text, Decision& out) {
  out.messages.push_back(outgoing(MessageKind::kNotice,
                                  SendText{chat, std::move(text), false, {}, std::nullopt}, ctx.now,
                                  std::nullopt));
}

std::string shop(const Ctx& ctx) {
  return ctx.settings.business_name.empty() ? "the shop" : ctx.settings.business_name;
}

}  // namespace

std::optional<Decision> on_owner_message(const Ctx& ctx, const MessageReceived& m) {
  if (m.business_connection_id || m.edited) return std::nullopt;
  const auto parameter = parse_start_command(m.text);
  if (parameter && verify_owner_parameter(ctx.settings.link_secret, *parameter, ctx.now)) {
    Decision out;
    out.owner_chat = OwnerChatChange{m.chat_id, true};
    tell_owner(ctx, m.chat_id,
               "✅ Connected. This chat now gets an alert whenever a customer of " + shop(ctx) +
                   " rates 2 stars or less. Send /stop here to end the alerts.",
               out);
    out.outcome = Outcome{Outcome::Status::kHandled, "owner chat linked"};
    return out;
  }
  if (!is_owner_chat(ctx, m.chat_id)) return std::nullopt;
  Decision out;  // the owner's chat is never asked for a review
  if (is_opt_out(m.text) && linked(ctx, m.chat_id)) {
    out.owner_chat = OwnerChatChange{m.chat_id, false};
    tell_owner(ctx, m.chat_id,
               "Alerts stopped. Open a new owner link from the dashboard to connect again.", out);
    out.outcome = Outcome{Outcome::Status::kHandled, "owner chat unlinked"};
  }
  return out;
}

Decision on_owner_reply(const Ctx& ctx, const OwnerReply& r) {
  Decision out;
  const auto& c = ctx.state.customer;
  if (!c || !c->chat_id || c->unreachable) {
    out.outcome = Outcome{Outcome::Status::kSkipped, "unreachable"};
    return out;
  }
  if (c->opted_out) {
    out.outcome = Outcome{Outcome::Status::kSkipped, "opted_out"};
    return out;
  }
  // The customer's own channel: the bot chat once they wrote there, else their Business chat.
  std::optional<std::string> connection;
  if (!c->started_bot) connection = c->business_connection_id;
  out.messages.push_back(outgoing(MessageKind::kOwnerReply,
                                  SendText{*c->chat_id, r.text, false, {}, connection}, ctx.now,
                                  r.conversation_id));
  out.outcome = Outcome{Outcome::Status::kScheduled, ""};
  return out;
}

std::vector<ChatId> alert_chats(const Ctx& ctx) {
  std::vector<ChatId> chats;
  if (ctx.settings.owner_chat_id) chats.push_back(*ctx.settings.owner_chat_id);
  for (ChatId chat : ctx.state.owner_chats) {
    if (chat != ctx.settings.owner_chat_id) chats.push_back(chat);
  }
  return chats;
}

}  // namespace reviewbot::core::detail
