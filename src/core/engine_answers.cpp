#include <algorithm>

#include "engine_internal.h"
#include "utf8.h"

namespace reviewbot::core::detail {
namespace {

bool alerts_owner(const Ctx& ctx, const Conversation& conv) {
  return conv.rating && *conv.rating <= 2 && !alert_chats(ctx).empty();
}

// Longest comment quoted in an owner alert: with HTML escaping (up to 6 bytes a character)
// and the template around it, the alert stays under Telegram's 4096-character limit. The
// stored review keeps the whole comment. Likewise for the items listed.
constexpr std::size_t kAlertCommentLimit = 1000;
constexpr std::size_t kAlertItems = 10;
constexpr std::size_t kAlertItemNameLimit = 60;

// The owner's alert is always in English: the owner chose the bot, not the customer's
// language. One message to each owner chat.
void add_owner_alert(const Ctx& ctx, const Customer& c, const Conversation& conv, Time due,
                     Decision& out) {
  RenderVars vars = conversation_vars(ctx, c, conv);
  if (vars.comment) vars.comment = utf8::truncate(*vars.comment, kAlertCommentLimit);
  if (vars.items.size() > kAlertItems) vars.items.resize(kAlertItems);
  for (auto& item : vars.items) item.name = utf8::truncate(item.name, kAlertItemNameLimit);
  vars.external_id = c.external_id.value_or("");
  vars.telegram_name = c.telegram_name;
  vars.telegram_username = c.username;
  if (!ctx.settings.dashboard_url.empty()) {
    vars.review_link = ctx.settings.dashboard_url + "/review?id=" + std::to_string(conv.id);
  }
  auto text = render(ctx, message::kOwnerAlert, "en", vars);
  if (!text) return;
  for (ChatId chat : alert_chats(ctx)) {
    out.messages.push_back(outgoing(MessageKind::kOwnerAlert,
                                    SendText{chat, *text, true, {}, std::nullopt}, due, conv.id));
  }
}

void add_rating_ack(const Ctx& ctx, const Customer& c, const Conversation& conv,
                    std::optional<int64_t> request_message_id, Decision& out) {
  if (!request_message_id) return;
  auto text = render(ctx, message::kRatingAck, conv.locale, conversation_vars(ctx, c, conv));
  if (!text) return;
  out.messages.push_back(outgoing(
      MessageKind::kRatingAck,
      EditText{conv.chat_id, *request_message_id, *text, true, conv.business_connection_id},
      ctx.now, conv.id));
}

void add_comment_prompt(const Ctx& ctx, const Customer& c, const Conversation& conv,
                        Decision& out) {
  auto text = render(ctx, message::kCommentPrompt, conv.locale, conversation_vars(ctx, c, conv));
  if (!text) return;
  out.messages.push_back(
      outgoing(MessageKind::kCommentPrompt,
               SendText{conv.chat_id, *text, true, skip_keyboard(ctx, conv.locale),
                        conv.business_connection_id},
               ctx.now, conv.id));
}

// Offered whatever the rating: no review gating.
void add_thank_you(const Ctx& ctx, const Customer& c, const Conversation& conv, Decision& out) {
  const RenderVars vars = conversation_vars(ctx, c, conv);
  auto text = render(ctx, message::kThankYou, conv.locale, vars);
  if (!text) return;
  Keyboard keyboard;
  if (!ctx.settings.review_url.empty()) {
    const auto label = render(ctx, message::kReviewButton, conv.locale, vars);
    keyboard.push_back({Button{label.value_or("Leave a review"), "", ctx.settings.review_url}});
  }
  out.messages.push_back(outgoing(
      MessageKind::kThankYou,
      SendText{conv.chat_id, *text, true, std::move(keyboard), conv.business_connection_id},
      ctx.now, conv.id));
}

}  // namespace

void rate(const Ctx& ctx, const Customer& customer, Conversation conv, int rating,
          const CallbackPressed* pressed, Decision& out) {
  conv.state = ConversationState::kAwaitingComment;
  conv.rating = rating;
  conv.answered_at = ctx.now;
  conv.expires_at = std::max(conv.expires_at, ctx.now + ctx.policy.comment_window);

  if (pressed) {
    out.messages.push_back(outgoing(MessageKind::kCallbackAnswer,
                                    AnswerCallback{pressed->callback_query_id, stars(rating)},
                                    ctx.now, std::nullopt));
  }
  // A pressed button sits on the request itself; a typed rating can only edit a sent request.
  add_rating_ack(ctx, customer, conv, pressed ? pressed->message_id : conv.request_message_id, out);
  add_comment_prompt(ctx, customer, conv, out);
  // The request may still be unsent (a typed answer to a thank-you request due now).
  out.cancellations.push_back(
      Cancellation{conv.id, {MessageKind::kRequest, MessageKind::kReminder}});
  if (alerts_owner(ctx, conv)) {
    add_owner_alert(ctx, customer, conv, ctx.now + ctx.policy.comment_window, out);
  }
  out.conversation = conv;
  out.outcome.status = Outcome::Status::kHandled;
}

void finish(const Ctx& ctx, const Customer& customer, Conversation conv,
            std::optional<std::string> comment, std::optional<int64_t> comment_message_id,
            Decision& out) {
  conv.state = ConversationState::kDone;
  // A typed comment leaves the prompt's Skip button pointless (a tap on it would answer
  // "closed"): it goes. A Skip tap already edits the prompt itself.
  if (comment && conv.prompt_message_id) {
    out.messages.push_back(
        outgoing(MessageKind::kNotice,
                 RemoveKeyboard{conv.chat_id, *conv.prompt_message_id, conv.business_connection_id},
                 ctx.now, std::nullopt));
  }
  conv.comment = std::move(comment);
  conv.comment_message_id = comment_message_id;
  add_thank_you(ctx, customer, conv, out);
  if (alerts_owner(ctx, conv)) {
    // Replace the alert waiting for a comment with one sent now. If it already went out
    // (the comment came after the window), the owner gets a second alert with the comment.
    out.cancellations.push_back(Cancellation{conv.id, {MessageKind::kOwnerAlert}});
    add_owner_alert(ctx, customer, conv, ctx.now, out);
  }
  out.conversation = conv;
  out.outcome.status = Outcome::Status::kHandled;
}

}  // namespace reviewbot::core::detail
