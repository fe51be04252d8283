#include "core/engine_fixture.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

namespace {

void check_skipped(const Decision& d, const std::string& reason) {
  CHECK(d.outcome.status == Outcome::Status::kSkipped);
  CHECK(d.outcome.reason == reason);
  CHECK_FALSE(d.conversation);
  CHECK(d.messages.empty());
}

}  // namespace

TEST_CASE("a sale schedules a request with five rating buttons", "[engine][policy]") {
  EngineFixture f;
  const auto d = f.decide(sale("evt-1", kChat), with(stored_customer()));

  CHECK(d.outcome.status == Outcome::Status::kScheduled);
  // Its reminder comes when the request is sent (engine_delivery_test).
  REQUIRE(kinds(d) == std::vector{Kind::kRequest});
  const auto& request = d.messages[0];
  CHECK(request.due_at == f.now);
  CHECK(request.conversation_id == 0);
  const auto& body = text_of(request);
  CHECK(body.chat_id == kChat);
  CHECK(body.html);
  CHECK(body.text == "How was it, Ann?");
  REQUIRE(body.keyboard.size() == 1);
  REQUIRE(body.keyboard[0].size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(body.keyboard[0][i].callback_data == "rate:" + std::to_string(i + 1));
    CHECK(body.keyboard[0][i].text.rfind(std::to_string(i + 1), 0) == 0);
  }

  REQUIRE(d.conversation);
  const auto& conv = *d.conversation;
  CHECK(conv.id == 0);
  CHECK(conv.customer_id == kCustomerId);
  CHECK(conv.state == ConversationState::kAwaitingRating);
  CHECK(conv.trigger == Trigger::kTransactionCompleted);
  CHECK(conv.event_id == std::optional<std::string>("evt-1"));
  CHECK(conv.transaction_id == std::optional<std::string>("T-1"));
  CHECK(conv.template_name == "sale");
  CHECK(conv.locale == "en");
  CHECK(conv.requested_at == f.now);
  CHECK(conv.expires_at == f.now + f.policy.conversation_ttl);
  REQUIRE(d.customer);
  CHECK(d.customer->last_request_at == f.now);
}

TEST_CASE("REQUEST_DELAY sets when the request is due", "[engine][policy]") {
  EngineFixture f;
  f.policy.request_delay = 2h;
  const auto d = f.decide(sale("evt-1", kChat), with(stored_customer()));
  CHECK(only(d, Kind::kRequest).due_at == f.now + 2h);
  CHECK(d.conversation->requested_at == f.now + 2h);
  CHECK(d.customer->last_request_at == f.now + 2h);
}

TEST_CASE("quiet hours defer a sale request to the window's end in TIMEZONE", "[engine][policy]") {
  EngineFixture f;
  auto zone = TimeZone::find("America/New_York");
  REQUIRE(zone.ok());
  f.policy.time_zone = *zone;
  f.policy.quiet_hours = QuietHours{21 * 60, 9 * 60};
  f.now = utc(2026, 11, 23, 3);  // 22:00 on the 22nd in New York (UTC-5)

  const auto d = f.decide(sale("evt-1", kChat), with(stored_customer()));
  const Time nine_am_new_york = utc(2026, 11, 23, 14);
  CHECK(only(d, Kind::kRequest).due_at == nine_am_new_york);
  CHECK(d.conversation->requested_at == nine_am_new_york);
  CHECK(d.conversation->expires_at == nine_am_new_york + f.policy.conversation_ttl);

  SECTION("a thank-you is answered at once: the customer just wrote") {
    const auto thanks = f.decide(text_from(kChat, "thank you!"), with(stored_customer()));
    CHECK(only(thanks, Kind::kRequest).due_at == f.now);
  }
}

TEST_CASE("an opted-out customer is not asked again until /start", "[engine][policy]") {
  EngineFixture f;
  const auto opted_out = f.decide(text_from(kChat, "/stop"), with(stored_customer()));
  REQUIRE(opted_out.customer);
  CHECK(opted_out.customer->opted_out);
  CHECK(text_of(only(opted_out, Kind::kNotice)).text == "Unsubscribed");

  const auto state = after(with(stored_customer()), opted_out);
  check_skipped(f.decide(sale("evt-1", kChat), state), "opted_out");
  check_skipped(f.decide(text_from(kChat, "thanks!"), state), "opted_out");

  SECTION("/start opts back in with a notice") {
    const auto back = f.decide(text_from(kChat, "/start"), state);
    REQUIRE(back.customer);
    CHECK_FALSE(back.customer->opted_out);
    CHECK(text_of(only(back, Kind::kNotice)).text == "Welcome back");
    CHECK(f.decide(sale("evt-1", kChat), after(state, back)).outcome.status ==
          Outcome::Status::kScheduled);
  }
  SECTION("/help from an opted-out customer says how to come back") {
    const auto help = f.decide(text_from(kChat, "/help"), state);
    CHECK(text_of(only(help, Kind::kNotice)).text == "Unsubscribed");
    CHECK_FALSE((help.customer && !help.customer->opted_out));
  }
}

TEST_CASE("/start and /help from someone new answer what the bot is", "[engine][policy]") {
  EngineFixture f;
  for (const char* command : {"/start", "/help", "/HELP@shop_bot", "/start@shop_bot"}) {
    INFO(command);
    const auto d = f.decide(text_from(kChat, command), with(stored_customer()));
    CHECK(d.outcome.status == Outcome::Status::kHandled);
    CHECK(text_of(only(d, Kind::kNotice)).text == "This is the shop's bot; /stop stops it");
    CHECK_FALSE(d.inbox_message);
  }
  SECTION("a first message from a chat with no customer yet is answered too") {
    const auto d = f.decide(text_from(kChat, "/start"), Snapshot{});
    CHECK(text_of(only(d, Kind::kNotice)).text == "This is the shop's bot; /stop stops it");
  }
  SECTION("/helpme is not /help") {
    const auto d = f.decide(text_from(kChat, "/helpme"), with(stored_customer()));
    CHECK(d.messages.empty());
  }
}

TEST_CASE("opting out cancels the open conversation", "[engine][policy]") {
  EngineFixture f;
  SECTION("unrated: cancelled with all its pending rows") {
    const auto d =
        f.decide(text_from(kChat, "stop"), with(stored_customer(), awaiting_rating(f.now)));
    REQUIRE(d.conversation);
    CHECK(d.conversation->state == ConversationState::kCancelled);
    REQUIRE(d.cancellations.size() == 1);
    CHECK(d.cancellations[0].conversation_id == kConversationId);
    CHECK(d.cancellations[0].kinds.empty());
  }
  SECTION("rated: kept as a review, the owner's alert still goes out") {
    const auto d =
        f.decide(text_from(kChat, "stop"), with(stored_customer(), awaiting_comment(f.now, 1)));
    REQUIRE(d.conversation);
    CHECK(d.conversation->state == ConversationState::kDone);
    CHECK(d.conversation->rating == 1);
    REQUIRE(d.cancellations.size() == 1);
    const auto& cancelled = d.cancellations[0].kinds;
    CHECK_FALSE(cancelled.empty());
    CHECK(std::find(cancelled.begin(), cancelled.end(), Kind::kOwnerAlert) == cancelled.end());
  }
}

TEST_CASE("a customer who blocked the bot is unreachable", "[engine][policy]") {
  EngineFixture f;
  const auto kicked =
      f.decide(MemberStatusChanged{kChat, true}, with(stored_customer(), awaiting_rating(f.now)));
  CHECK(kicked.outcome.status == Outcome::Status::kHandled);
  REQUIRE(kicked.customer);
  CHECK(kicked.customer->unreachable);
  REQUIRE(kicked.conversation);
  CHECK(kicked.conversation->state == ConversationState::kCancelled);
  CHECK(kicked.messages.empty());

  const auto state = after(with(stored_customer(), awaiting_rating(f.now)), kicked);
  check_skipped(f.decide(sale("evt-1", kChat), state), "unreachable");

  SECTION("unblocking makes them reachable again") {
    const auto back = f.decide(MemberStatusChanged{kChat, false}, state);
    REQUIRE(back.customer);
    CHECK_FALSE(back.customer->unreachable);
    CHECK(f.decide(sale("evt-2", kChat), after(state, back)).outcome.status ==
          Outcome::Status::kScheduled);
  }
  SECTION("a block from a chat not yet known is remembered for its first sale") {
    const auto first = f.decide(MemberStatusChanged{kChat, true}, Snapshot{});
    CHECK(first.outcome.status == Outcome::Status::kHandled);
    REQUIRE(first.customer);
    CHECK(first.customer->chat_id == kChat);
    CHECK(first.customer->unreachable);
    check_skipped(f.decide(sale("evt-3", kChat), after(Snapshot{}, first)), "unreachable");
  }
  SECTION("an unblock from a chat not yet known changes nothing") {
    CHECK(f.decide(MemberStatusChanged{kChat, false}, Snapshot{}).outcome.status ==
          Outcome::Status::kIgnored);
  }
}

TEST_CASE("cooldown allows one request per customer per 30 days", "[engine][policy]") {
  EngineFixture f;
  auto customer = stored_customer();
  SECTION("just inside the window: skipped") {
    customer.last_request_at = f.now - f.policy.cooldown + 1s;
    check_skipped(f.decide(sale("evt-2", kChat), with(customer)), "cooldown");
  }
  SECTION("just outside the window: scheduled") {
    customer.last_request_at = f.now - f.policy.cooldown - 1s;
    CHECK(f.decide(sale("evt-2", kChat), with(customer)).outcome.status ==
          Outcome::Status::kScheduled);
  }
}

TEST_CASE("an open conversation blocks a new request", "[engine][policy]") {
  EngineFixture f;
  f.policy.cooldown = 0ms;
  const auto state = with(stored_customer(), awaiting_rating(f.now));
  check_skipped(f.decide(sale("evt-2", kChat), state), "conversation_open");

  SECTION("an expired one does not") {
    auto expired = state;
    expired.conversation->expires_at = f.now;
    CHECK(f.decide(sale("evt-2", kChat), expired).outcome.status == Outcome::Status::kScheduled);
  }
}

TEST_CASE("reasons are checked in the documented order", "[engine][policy]") {
  EngineFixture f;
  auto customer = stored_customer();
  customer.opted_out = true;
  customer.unreachable = true;
  customer.last_request_at = f.now;
  check_skipped(f.decide(sale("evt-2", kChat), with(customer, awaiting_rating(f.now))),
                "opted_out");
  customer.opted_out = false;
  check_skipped(f.decide(sale("evt-2", kChat), with(customer, awaiting_rating(f.now))),
                "unreachable");
  customer.unreachable = false;
  check_skipped(f.decide(sale("evt-2", kChat), with(customer, awaiting_rating(f.now))), "cooldown");
}

TEST_CASE("a trigger no template matches is skipped with no_template", "[engine][policy]") {
  EngineFixture f;
  f.templates = TemplateSet({{"sale", Trigger::kTransactionCompleted, {}, {}, {}, {}}},
                            test_templates().sources());
  check_skipped(f.decide(text_from(kChat, "thanks!"), with(stored_customer())), "no_template");
}

TEST_CASE("a sale older than MAX_EVENT_AGE is skipped as stale", "[engine][policy]") {
  EngineFixture f;
  auto old_sale = sale("evt-old", kChat);
  old_sale.occurred_at = f.now - 24h * 8;  // the default limit is 7 days
  check_skipped(f.decide(old_sale, with(stored_customer())), "stale");

  SECTION("within the limit it is asked about") {
    old_sale.occurred_at = f.now - 24h * 6;
    CHECK(f.decide(old_sale, with(stored_customer())).outcome.status ==
          Outcome::Status::kScheduled);
  }
  SECTION("0 disables the limit") {
    f.policy.max_event_age = Duration{0};
    CHECK(f.decide(old_sale, with(stored_customer())).outcome.status ==
          Outcome::Status::kScheduled);
  }
}
