// What a delivery result means for the customer and the conversation. The dispatcher
// reports it; the store writes the decision in the transaction that records the result.
#include "engine_internal.h"

namespace reviewbot::core::detail {

namespace {

// A sent request's (or comment prompt's) platform message id, kept so the rating can edit
// the request later and a typed comment can take the prompt's Skip button away. Only the
// customer's latest conversation is updated: these are sent while their conversation is
// the newest one (a newer one cannot start while it is open). A sent request that still
// awaits its rating also schedules its reminder.
Decision on_sent(const Ctx& ctx, const DeliveryReport& r) {
  Decision out;
  const auto& conv = ctx.state.conversation;
  if (!r.message_id || !r.conversation_id || !conv || conv->id != *r.conversation_id) return out;
  std::optional<int64_t> Conversation::*field = nullptr;
  if (r.kind == MessageKind::kRequest) field = &Conversation::request_message_id;
  if (r.kind == MessageKind::kCommentPrompt) field = &Conversation::prompt_message_id;
  if (field == nullptr || (*conv).*field == r.message_id) return out;
  Conversation updated = *conv;
  updated.*field = r.message_id;
  out.conversation = updated;
  out.outcome.status = Outcome::Status::kHandled;
  // The message id is kept once, so a report seen twice schedules one reminder. A
  // reminder queued with the request (as earlier versions did, and an old instance may
  // still do during a rolling deploy) is replaced, not doubled: cancellations are applied
  // before inserts.
  if (r.kind == MessageKind::kRequest && ctx.state.customer &&
      conv->state == ConversationState::kAwaitingRating && conv->is_open(ctx.now)) {
    out.cancellations.push_back(Cancellation{conv->id, {MessageKind::kReminder}});
    add_reminder(ctx, *ctx.state.customer, updated, out);
  }
  return out;
}

// The chat is closed to the bot (it was blocked, or the chat is gone): nothing more is
// sent there, its customer is unreachable until they write again, and an open
// conversation closes as after a block.
Decision on_unreachable(const Ctx& ctx, const DeliveryReport& r) {
  Decision out;
  if (r.chat_id == 0) return out;
  out.cancel_chat = r.chat_id;
  out.outcome.status = Outcome::Status::kHandled;
  if (!ctx.state.customer) return out;  // e.g. the owner's chat
  Customer c = *ctx.state.customer;
  c.unreachable = true;
  close_open_conversation(ctx, out);
  keep_customer(ctx, c, out);
  return out;
}

// The platform refused a request for good (its text, its buttons): the customer never saw
// a question, so its conversation closes — no reminder to a question never asked, and no
// cooldown for a request never made. The outbox row keeps the platform's reason for the
// owner (the review's timeline, the Delivery page).
Decision on_refused(const Ctx& ctx, const DeliveryReport& r) {
  Decision out;
  const auto& conv = ctx.state.conversation;
  if (r.kind != MessageKind::kRequest || !r.conversation_id || !conv ||
      conv->id != *r.conversation_id || conv->state != ConversationState::kAwaitingRating) {
    return out;
  }
  Conversation closed = *conv;
  closed.state = ConversationState::kCancelled;
  out.conversation = closed;
  out.cancellations.push_back(Cancellation{conv->id, {}});
  if (ctx.state.customer && ctx.state.customer->last_request_at) {
    Customer c = *ctx.state.customer;
    c.last_request_at.reset();
    keep_customer(ctx, c, out);
  }
  out.outcome = Outcome{Outcome::Status::kHandled, "request refused by the platform"};
  return out;
}

}  // namespace

Decision on_delivery_report(const Ctx& ctx, const DeliveryReport& r) {
  switch (r.result) {
    case DeliveryReport::Result::kSent:
      return on_sent(ctx, r);
    case DeliveryReport::Result::kUnreachable:
      return on_unreachable(ctx, r);
    case DeliveryReport::Result::kRefused:
      return on_refused(ctx, r);
  }
  return Decision{};
}

}  // namespace reviewbot::core::detail
