// The Dispatcher's in-doubt policy: sends that may or may not have arrived (a timeout
// after sending, or a restart while a send was in flight).
#include "delivery/dispatcher_harness.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Kind = platform::SendResult::Kind;
using Status = store::DeliveryOutcome::Status;
using core::MessageKind;

namespace {

core::SendText text(core::ChatId chat, std::string body) {
  return core::SendText{chat, std::move(body), false, {}, std::nullopt};
}

}  // namespace

TEST_CASE("a request whose send timed out is not resent", "[dispatcher][in_doubt]") {
  DispatcherHarness h;
  h.client->script({answer(Kind::kUnknown, 0, "Operation timed out")});
  const auto id = h.store.add_outbox(request(7), h.clock.now(), MessageKind::kRequest);
  CHECK(h.dispatcher->run_once() == 1);
  const auto outcome = h.last_outcome(id);
  CHECK(outcome.status == Status::kFailed);
  CHECK(outcome.reason.find("outcome unknown after timeout; not resent") != std::string::npos);
  h.clock.advance(std::chrono::hours(1));
  CHECK(h.dispatcher->run_once() == 0);
  CHECK(h.client->send_count() == 1);
  CHECK(h.count(h.dispatcher->counters().in_doubt_not_resent) == 1);
  CHECK(h.count(h.dispatcher->counters().in_doubt_resent) == 0);
}

TEST_CASE("a comment prompt whose send timed out is resent after a backoff",
          "[dispatcher][in_doubt]") {
  DispatcherHarness h;
  h.client->script({answer(Kind::kUnknown, 0, "Operation timed out")});
  const auto id =
      h.store.add_outbox(text(7, "Anything to add?"), h.clock.now(), MessageKind::kCommentPrompt);
  CHECK(h.dispatcher->run_once() == 1);
  const auto outcome = h.last_outcome(id);
  CHECK(outcome.status == Status::kRetry);
  CHECK(outcome.retry_at > h.clock.now());
  CHECK(h.count(h.dispatcher->counters().in_doubt_resent) == 1);
  // Past the backoff and the per-chat interval (a second and the limiter's 1 ms guard).
  h.clock.advance(std::chrono::milliseconds(1001));
  REQUIRE(outcome.retry_at <= h.clock.now());
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.client->send_count() == 2);
  CHECK(h.last_outcome(id).status == Status::kSent);
}

TEST_CASE("a request is marked in the store before it reaches the platform, a notice is not",
          "[dispatcher][in_doubt]") {
  DispatcherHarness h;
  const auto req = h.store.add_outbox(request(1), h.clock.now(), MessageKind::kRequest);
  const auto reminder =
      h.store.add_outbox(text(2, "Still there?"), h.clock.now(), MessageKind::kReminder);
  const auto notice = h.store.add_outbox(text(3, "Bye"), h.clock.now(), MessageKind::kNotice);
  std::map<core::ChatId, bool> marked_while_sending;
  h.client->on_send([&](const core::MessageBody& body) {
    const core::ChatId chat = core::chat_of(body);
    const int64_t id = chat == 1 ? req : chat == 2 ? reminder : notice;
    marked_while_sending[chat] = h.store.outbox_row(id)->sending;
  });
  CHECK(h.dispatcher->run_once() == 3);
  CHECK(marked_while_sending == std::map<core::ChatId, bool>{{1, true}, {2, true}, {3, false}});
  for (const auto id : {req, reminder, notice}) {
    CHECK_FALSE(h.store.outbox_row(id)->sending);  // complete() cleared it
    CHECK(h.last_outcome(id).status == Status::kSent);
  }
}

TEST_CASE("a request the store cannot mark is put back, not sent", "[dispatcher][in_doubt]") {
  DispatcherHarness h;
  h.store.fail_marks(true);
  const auto id = h.store.add_outbox(request(1), h.clock.now(), MessageKind::kRequest);
  h.dispatcher->run_once();
  CHECK(h.client->send_count() == 0);
  CHECK(h.last_outcome(id).status == Status::kDeferred);
  CHECK(h.last_outcome(id).retry_at > h.clock.now());
}

TEST_CASE("recovery after a restart applies the in-doubt policy to rows that were in flight",
          "[dispatcher][in_doubt]") {
  DispatcherHarness h;
  const auto req = h.store.add_outbox(request(1), h.clock.now(), MessageKind::kRequest);
  const auto alert =
      h.store.add_outbox(text(2, "Rating 1"), h.clock.now(), MessageKind::kOwnerAlert, 2);
  const auto notice = h.store.add_outbox(text(3, "Bye"), h.clock.now(), MessageKind::kNotice);
  // The previous process claimed all three and was handing the first two to the platform.
  const auto owner = h.lease().owner;
  REQUIRE(h.store.claim_due(h.lease(), h.clock.now(), 10)->size() == 3);
  REQUIRE(h.store.mark_sending(owner, req, h.clock.now()).ok());
  REQUIRE(h.store.mark_sending(owner, alert, h.clock.now()).ok());

  REQUIRE(h.dispatcher->recover().ok());

  const auto req_outcome = h.last_outcome(req);
  CHECK(req_outcome.status == Status::kFailed);
  CHECK(req_outcome.reason ==
        "outcome unknown after restart; not resent so the customer is not asked twice");
  const auto alert_outcome = h.last_outcome(alert);
  CHECK(alert_outcome.status == Status::kRetry);
  CHECK(alert_outcome.retry_at == h.clock.now());
  CHECK(h.store.outbox_row(notice)->outcomes.empty());  // only released
  CHECK(h.count(h.dispatcher->counters().in_doubt_not_resent) == 1);
  CHECK(h.count(h.dispatcher->counters().in_doubt_resent) == 1);

  CHECK(h.dispatcher->run_once() == 2);
  std::vector<core::ChatId> chats;
  for (const auto& body : h.client->sent()) chats.push_back(core::chat_of(body));
  std::sort(chats.begin(), chats.end());
  CHECK(chats == std::vector<core::ChatId>{2, 3});
  CHECK(h.dispatcher->run_once() == 0);
}

TEST_CASE("a dead instance's rows are taken over once its lease ends, live claims are left alone",
          "[dispatcher][in_doubt][lease]") {
  DispatcherHarness h;
  const auto req = h.store.add_outbox(request(1), h.clock.now(), MessageKind::kRequest);
  const auto alert =
      h.store.add_outbox(text(2, "Rating 1"), h.clock.now(), MessageKind::kOwnerAlert);
  const auto notice = h.store.add_outbox(text(3, "Bye"), h.clock.now(), MessageKind::kNotice);
  // Another instance claimed all three and was handing the first two to the platform.
  REQUIRE(h.store.claim_due(h.lease("web.2"), h.clock.now(), 10)->size() == 3);
  REQUIRE(h.store.mark_sending("web.2", req, h.clock.now()).ok());
  REQUIRE(h.store.mark_sending("web.2", alert, h.clock.now()).ok());

  SECTION("while its lease lasts, nothing is touched, not even at a restart of this one") {
    REQUIRE(h.dispatcher->recover().ok());
    CHECK(h.dispatcher->settle_expired().value() == 0);
    CHECK(h.dispatcher->run_once() == 0);
    CHECK(h.client->sent().empty());
    CHECK(h.store.outbox_row(req)->owner == "web.2");
    CHECK(h.store.outbox_row(notice)->owner == "web.2");
  }
  SECTION("after its lease, in-flight rows are settled by the in-doubt policy") {
    h.clock.advance(delivery::DispatcherSettings{}.claim_lease + std::chrono::milliseconds(1));
    CHECK(h.dispatcher->settle_expired().value() == 2);
    CHECK(h.last_outcome(req).status == Status::kFailed);
    CHECK(h.last_outcome(req).reason ==
          "outcome unknown after takeover; not resent so the customer is not asked twice");
    CHECK(h.last_outcome(alert).status == Status::kRetry);
    CHECK(h.store.outbox_row(notice)->outcomes.empty());  // only released
    CHECK(h.dispatcher->run_once() == 2);                 // the alert and the notice
    CHECK(h.client->sent().size() == 2);
  }
}
