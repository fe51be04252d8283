#include "reviewbot/core/engine.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "engine_internal.h"

namespace reviewbot::core {

const char* to_string(Outcome::Status s) {
  switch (s) {
    case Outcome::Status::kScheduled:
      return "scheduled";
    case Outcome::Status::kPendingLink:
      return "pending_link";
    case Outcome::Status::kSkipped:
      return "skipped";
    case Outcome::Status::kCancelled:
      return "cancelled";
    case Outcome::Status::kNothingToCancel:
      return "nothing_to_cancel";
    case Outcome::Status::kHandled:
      return "handled";
    case Outcome::Status::kIgnored:
      return "ignored";
  }
  return "unknown";
}

Engine::Engine(Policy policy, EngineSettings settings, const TemplateSet& templates)
    : policy_(std::move(policy)), settings_(std::move(settings)), templates_(templates) {}

Lookup Engine::lookup_for(const Event& event) const {
  return std::visit(
      detail::Overloaded{
          [&](const MessageReceived& m) {
            return Lookup{m.chat_id, detail::linked_external_id(settings_, m), std::nullopt,
                          m.business_connection_id, true};
          },
          [](const CallbackPressed& p) {
            return Lookup{p.chat_id, std::nullopt, std::nullopt, p.business_connection_id, true};
          },
          [](const MemberStatusChanged& e) {
            return Lookup{e.chat_id, {}, {}, {}};
          },
          [](const BusinessConnectionChanged& e) {
            return Lookup{std::nullopt, std::nullopt, std::nullopt, e.connection_id};
          },
          [](const TransactionEvent& e) {
            Lookup lookup{e.telegram_chat_id, e.external_id, std::nullopt, std::nullopt, true};
            if (!e.transaction_id.empty()) lookup.transaction_id = e.transaction_id;
            return lookup;
          },
          [](const OwnerReply& r) {
            Lookup lookup;
            lookup.chat_id = r.chat_id;
            return lookup;
          },
          [](const DeliveryReport& r) {
            Lookup lookup;
            if (r.chat_id != 0) lookup.chat_id = r.chat_id;
            return lookup;
          },
      },
      event);
}

Decision Engine::decide(const Event& event, const Snapshot& state, Time now) const {
  const detail::Ctx ctx{policy_, settings_, templates_, state, now};
  return std::visit(
      detail::Overloaded{
          [&](const MessageReceived& m) { return detail::on_message(ctx, m); },
          [&](const CallbackPressed& p) { return detail::on_callback(ctx, p); },
          [&](const MemberStatusChanged& e) { return detail::on_member_status(ctx, e); },
          [](const BusinessConnectionChanged& e) {
            Decision out;
            out.business_connection =
                BusinessConnection{e.connection_id, e.owner_user_id, e.enabled};
            out.outcome.status = Outcome::Status::kHandled;
            return out;
          },
          [&](const TransactionEvent& e) { return detail::on_transaction(ctx, e); },
          [&](const DeliveryReport& r) { return detail::on_delivery_report(ctx, r); },
          [&](const OwnerReply& r) { return detail::on_owner_reply(ctx, r); },
      },
      event);
}

namespace detail {
namespace {

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

auto fields(const Customer& c) {
  return std::tie(c.id, c.chat_id, c.external_id, c.name, c.telegram_name, c.username, c.locale,
                  c.opted_out, c.unreachable, c.started_bot, c.business_connection_id,
                  c.last_request_at);
}

}  // namespace

Customer refreshed_customer(const Ctx& ctx, ChatId chat_id, const Profile& profile,
                            const std::optional<std::string>& business_connection_id) {
  Customer c = ctx.state.customer.value_or(Customer{});
  c.chat_id = chat_id;
  // The Telegram profile's fields only: the shop's name for the customer stays as it is.
  // A Business chat fills them in but never renames: its updates come through a third
  // party's connection.
  if (!business_connection_id || c.telegram_name.empty()) {
    if (!profile.name.empty()) c.telegram_name = profile.name;
    c.username = profile.username;
  }
  const std::string& language_code = profile.language_code;
  if (!language_code.empty()) c.locale = lower_ascii(language_code);
  if (business_connection_id) {
    c.business_connection_id = business_connection_id;
  } else {
    // Writing to the bot directly proves the chat is open and not blocked.
    c.started_bot = true;
    c.unreachable = false;
  }
  return c;
}

bool same_customer(const Customer& a, const Customer& b) { return fields(a) == fields(b); }

bool is_owner_chat(const Ctx& ctx, ChatId chat) {
  if (ctx.settings.owner_chat_id == chat) return true;
  const auto& linked = ctx.state.owner_chats;
  return std::binary_search(linked.begin(), linked.end(), chat);
}

void keep_customer(const Ctx& ctx, const Customer& customer, Decision& out) {
  if (!ctx.state.customer || !same_customer(*ctx.state.customer, customer)) out.customer = customer;
}

}  // namespace detail
}  // namespace reviewbot::core
