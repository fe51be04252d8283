#include "engine_internal.h"

namespace reviewbot::core::detail {
namespace {

// The stored customer with gaps filled from the event (a stored locale wins: the chat knows
// the customer's own language), or a new customer when the event names a chat. The shop's
// name for the customer is the event's when it gives one; it never touches Telegram's.
std::optional<Customer> customer_for(const Ctx& ctx, const TransactionEvent& e) {
  if (!ctx.state.customer && !e.telegram_chat_id) return std::nullopt;
  Customer c = ctx.state.customer.value_or(Customer{});
  if (!c.chat_id) c.chat_id = e.telegram_chat_id;
  if (!c.external_id) c.external_id = e.external_id;
  if (!e.customer_name.empty()) c.name = e.customer_name;
  if (c.locale.empty()) c.locale = e.locale;
  return c;
}

Decision complete(const Ctx& ctx, const TransactionEvent& e) {
  Decision out;
  if (is_stale(ctx, e)) {
    out.outcome = Outcome{Outcome::Status::kSkipped, "stale"};
    return out;
  }
  auto customer = customer_for(ctx, e);
  if (!customer) {
    if (e.external_id) {
      out.outcome.status = Outcome::Status::kPendingLink;
      out.park = e;
    } else {
      out.outcome = Outcome{Outcome::Status::kSkipped, "unreachable"};
    }
    return out;
  }
  // Sales parked for this external id are superseded by this newer one.
  for (const auto& parked : ctx.state.pending_events) out.unparked_event_ids.push_back(parked.id);
  out.outcome = request(ctx, *customer, sale_request(ctx, *customer, e), out);
  keep_customer(ctx, *customer, out);
  return out;
}

void drop_parked_sale(const Ctx& ctx, const TransactionEvent& e, Decision& out) {
  if (e.transaction_id.empty()) return;
  for (const auto& parked : ctx.state.pending_events) {
    if (parked.type == TransactionEvent::Type::kCompleted &&
        parked.transaction_id == e.transaction_id) {
      out.unparked_event_ids.push_back(parked.id);
      out.outcome.status = Outcome::Status::kCancelled;
    }
  }
}

Decision cancel(const Ctx& ctx, const TransactionEvent& e) {
  Decision out;
  out.outcome.status = Outcome::Status::kNothingToCancel;
  drop_parked_sale(ctx, e, out);
  const auto& conv = ctx.state.transaction_conversation;
  if (!conv || conv->state != ConversationState::kAwaitingRating) return out;

  Conversation cancelled = *conv;
  cancelled.state = ConversationState::kCancelled;
  out.cancellations.push_back(Cancellation{conv->id, {}});
  if (conv->request_message_id) {
    out.messages.push_back(outgoing(
        MessageKind::kNotice,
        RemoveKeyboard{conv->chat_id, *conv->request_message_id, conv->business_connection_id},
        ctx.now, std::nullopt));
  }
  out.conversation = std::move(cancelled);
  out.outcome.status = Outcome::Status::kCancelled;
  return out;
}

}  // namespace

bool is_stale(const Ctx& ctx, const TransactionEvent& e) {
  return ctx.policy.max_event_age.count() > 0 && ctx.now - e.occurred_at > ctx.policy.max_event_age;
}

Decision on_transaction(const Ctx& ctx, const TransactionEvent& e) {
  return e.type == TransactionEvent::Type::kCompleted ? complete(ctx, e) : cancel(ctx, e);
}

}  // namespace reviewbot::core::detail
