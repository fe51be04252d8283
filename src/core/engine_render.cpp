#include "engine_internal.h"

namespace reviewbot::core::detail {

RenderVars customer_vars(const Ctx& ctx, const Customer& customer) {
  RenderVars vars;
  vars.business_name = ctx.settings.business_name;
  vars.customer_name = customer.display_name();
  vars.review_url = ctx.settings.review_url;
  return vars;
}

RenderVars conversation_vars(const Ctx& ctx, const Customer& customer, const Conversation& conv) {
  RenderVars vars = customer_vars(ctx, customer);
  vars.transaction_id = conv.transaction_id.value_or("");
  vars.items = conv.items;
  vars.amount = conv.amount;
  vars.currency = conv.currency;
  vars.rating = conv.rating;
  vars.comment = conv.comment;
  return vars;
}

std::optional<std::string> render(const Ctx& ctx, const char* name, const std::string& locale,
                                  const RenderVars& vars) {
  auto text = ctx.templates.render(name, locale, vars);
  if (!text.ok()) return std::nullopt;
  return std::move(text).value();
}

Keyboard rating_keyboard() {
  std::vector<Button> row;
  for (int rating = 1; rating <= 5; ++rating) {
    const std::string n = std::to_string(rating);
    row.push_back(Button{n + " ⭐", kRateData + n, ""});
  }
  return {row};
}

Keyboard skip_keyboard(const Ctx& ctx, const std::string& locale) {
  const auto label = render(ctx, message::kSkipButton, locale, RenderVars{});
  return {{Button{label.value_or("Skip"), kSkipData, ""}}};
}

std::string stars(int rating) {
  std::string out;
  for (int i = 1; i <= 5; ++i) out += i <= rating ? "★" : "☆";
  return out;
}

OutgoingMessage outgoing(MessageKind kind, MessageBody body, Time due,
                         std::optional<int64_t> conversation_id) {
  return OutgoingMessage{kind, std::move(body), due, conversation_id};
}

void notify(const Ctx& ctx, const Customer& customer, const char* name,
            const std::optional<std::string>& business_connection_id, Decision& out) {
  if (!customer.chat_id) return;
  auto text = render(ctx, name, customer.locale, customer_vars(ctx, customer));
  if (!text) return;
  out.messages.push_back(outgoing(
      MessageKind::kNotice, SendText{*customer.chat_id, *text, true, {}, business_connection_id},
      ctx.now, std::nullopt));
}

}  // namespace reviewbot::core::detail
