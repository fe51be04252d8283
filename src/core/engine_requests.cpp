#include "engine_internal.h"

namespace reviewbot::core::detail {
namespace {

Outcome skipped(std::string reason) {
  return Outcome{Outcome::Status::kSkipped, std::move(reason)};
}

std::optional<std::string> policy_refusal(const Ctx& ctx, const Customer& c) {
  if (c.chat_id && is_owner_chat(ctx, *c.chat_id)) return "owner_chat";
  if (c.opted_out) return "opted_out";
  if (c.unreachable || !c.chat_id) return "unreachable";
  if (in_cooldown(ctx.policy, c, ctx.now)) return "cooldown";
  if (ctx.state.conversation && ctx.state.conversation->is_open(ctx.now)) {
    return "conversation_open";
  }
  return std::nullopt;
}

RenderVars request_vars(const Ctx& ctx, const Customer& c, const RequestSpec& spec) {
  RenderVars vars = customer_vars(ctx, c);
  vars.items = spec.items;
  vars.amount = spec.amount;
  vars.currency = spec.currency;
  vars.transaction_id = spec.transaction_id.value_or("");
  return vars;
}

Conversation new_conversation(const Ctx& ctx, const Customer& c, const RequestSpec& spec,
                              const TemplateChoice& choice) {
  Conversation conv;
  conv.customer_id = c.id;  // 0 for a customer inserted by the same decision
  conv.chat_id = *c.chat_id;
  conv.business_connection_id = spec.business_connection_id;
  conv.state = ConversationState::kAwaitingRating;
  conv.trigger = spec.trigger;
  conv.event_id = spec.event_id;
  conv.transaction_id = spec.transaction_id;
  conv.amount = spec.amount;
  conv.currency = spec.currency;
  conv.items = spec.items;
  conv.template_name = choice.name;
  conv.variant = choice.variant;
  conv.locale = choice.locale;
  conv.requested_at = spec.due;
  conv.expires_at = spec.due + ctx.policy.conversation_ttl;
  return conv;
}

}  // namespace

Time transaction_due(const Ctx& ctx) {
  return next_send_time(ctx.policy, ctx.now + ctx.policy.request_delay);
}

RequestSpec sale_request(const Ctx& ctx, const Customer& customer, const TransactionEvent& e) {
  RequestSpec spec;
  spec.trigger = Trigger::kTransactionCompleted;
  spec.event_id = e.id;
  if (!e.transaction_id.empty()) spec.transaction_id = e.transaction_id;
  spec.items = e.items;
  spec.amount = e.amount;
  spec.currency = e.currency;
  if (!customer.started_bot) spec.business_connection_id = customer.business_connection_id;
  spec.due = transaction_due(ctx);
  return spec;
}

Outcome request(const Ctx& ctx, Customer& customer, const RequestSpec& spec, Decision& out) {
  if (auto reason = policy_refusal(ctx, customer)) return skipped(*reason);
  const RequestFacts facts{spec.trigger, customer.locale, spec.items, spec.amount,
                           customer.chat_id.value_or(customer.id)};
  const auto choice = ctx.templates.choose_request(facts);
  if (!choice) return skipped("no_template");
  auto text = ctx.templates.render_request(*choice, request_vars(ctx, customer, spec));
  if (!text.ok()) return skipped("no_template");

  const Conversation conv = new_conversation(ctx, customer, spec, *choice);
  SendText body{conv.chat_id, std::move(text).value(), true, rating_keyboard(),
                conv.business_connection_id};
  // Should the platform refuse the buttons, the request asks for a typed rating instead.
  if (auto hint = render(ctx, message::kTypedRatingHint, choice->locale, RenderVars{})) {
    body.text_without_keyboard = body.text + "\n\n" + *hint;
  }
  out.messages.push_back(outgoing(MessageKind::kRequest, std::move(body), spec.due, 0));
  out.conversation = conv;
  customer.last_request_at = spec.due;
  return Outcome{Outcome::Status::kScheduled, "", spec.due};
}

// One nudge without a keyboard: the request above keeps its buttons, and a button on a
// second message would not match the conversation's request_message_id.
void add_reminder(const Ctx& ctx, const Customer& c, const Conversation& conv, Decision& out) {
  if (ctx.policy.reminder_after <= Duration::zero()) return;
  const Time due = next_send_time(ctx.policy, ctx.now + ctx.policy.reminder_after);
  if (due >= conv.expires_at) return;
  auto text = render(ctx, message::kReminder, conv.locale, conversation_vars(ctx, c, conv));
  if (!text) return;
  out.messages.push_back(
      outgoing(MessageKind::kReminder,
               SendText{conv.chat_id, *text, true, {}, conv.business_connection_id}, due, conv.id));
}

bool close_open_conversation(const Ctx& ctx, Decision& out) {
  const auto& latest = ctx.state.conversation;
  if (!latest || !latest->is_open(ctx.now)) return false;
  Conversation conv = *latest;
  if (conv.state == ConversationState::kAwaitingRating) {
    conv.state = ConversationState::kCancelled;
    out.cancellations.push_back(Cancellation{conv.id, {}});
  } else {
    conv.state = ConversationState::kDone;
    out.cancellations.push_back(
        Cancellation{conv.id, {MessageKind::kCommentPrompt, MessageKind::kReminder}});
  }
  out.conversation = conv;
  return true;
}

}  // namespace reviewbot::core::detail
