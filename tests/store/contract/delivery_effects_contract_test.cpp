// Store contract for what a delivery result does to stored state: a sent request's
// message id, an unreachable chat, a row cancelled while in flight. Runs on every whole
// store backend (contract/backends.h), observed through the interfaces only.
#include "store/contract/backends.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

TEMPLATE_TEST_CASE("store: a sent request stores its platform message id",
                   "[store][contract][outbox]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  REQUIRE(apply(s, event_key("e1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  const auto rows = claim(s, at(0));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].kind == core::MessageKind::kRequest);
  const auto snap_before = peek(s, {1001, {}, {}, {}});
  REQUIRE(snap_before.conversation);
  CHECK(rows[0].conversation_id == std::optional<int64_t>(snap_before.conversation->id));
  CHECK(rows[0].due_at == at(0));
  REQUIRE(s.complete(kThisInstance, rows[0].id, outcome(Delivery::kSent, {}, "", 555), at(3)).ok());

  const auto snap = peek(s, {1001, {}, {}, {}});
  REQUIRE(snap.conversation);
  CHECK(snap.conversation->request_message_id == std::optional<int64_t>(555));
  const auto sent = s.sent_since(at(3));
  REQUIRE(sent.ok());
  REQUIRE(sent->size() == 1);
  CHECK(sent->at(0).chat_id == 1001);
  CHECK_FALSE(s.next_due());
}

TEMPLATE_TEST_CASE("store: an unreachable chat marks its customer and cancels its pending rows",
                   "[store][contract][outbox]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  core::Decision d = request_decision(1001);
  d.messages.push_back(make_text(core::MessageKind::kReminder, 1001, "R", at(100), 0));
  REQUIRE(apply(s, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  enqueue(s, "e2", {make_text(core::MessageKind::kNotice, 2002, "other chat", at(0))});

  const auto rows = claim(s, at(0));
  REQUIRE(rows.size() == 2);
  const int64_t request = id_of(rows, "How was it?");
  REQUIRE(
      s.complete(kThisInstance, request, outcome(Delivery::kUnreachable, {}, "403 blocked"), at(1))
          .ok());
  REQUIRE(s.complete(kThisInstance, id_of(rows, "other chat"), outcome(Delivery::kDeferred, at(1)),
                     at(1))
              .ok());

  CHECK(peek(s, {1001, {}, {}, {}}).customer->unreachable);
  CHECK_FALSE(peek(s, {2002, {}, {}, {}}).customer);
  const auto stats = s.outbox_stats(at(200));
  CHECK(stats->failed == 1);   // the request
  CHECK(stats->pending == 1);  // "other chat"; the reminder was cancelled
  CHECK(claim_texts(s, at(200)) == std::vector<std::string>{"other chat"});
}

TEMPLATE_TEST_CASE("store: a row cancelled while in flight is recorded as sent if it went out",
                   "[store][contract][outbox]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  REQUIRE(apply(s, event_key("e1"), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  const auto rows = claim(s, at(0));
  REQUIRE(rows.size() == 1);
  core::Decision refund;
  refund.cancellations = {{*rows[0].conversation_id, {}}};
  REQUIRE(apply(s, event_key("e2"), refund).status == store::ProcessResult::Status::kApplied);

  SECTION("sent") {
    REQUIRE(s.complete(kThisInstance, rows[0].id, outcome(Delivery::kSent, {}, "", 7), at(1)).ok());
    CHECK(s.sent_since(at(1))->size() == 1);
  }
  SECTION("retry leaves it cancelled") {
    REQUIRE(
        s.complete(kThisInstance, rows[0].id, outcome(Delivery::kRetry, at(5), "502"), at(1)).ok());
    CHECK(claim_texts(s, at(10)).empty());
    CHECK(s.outbox_stats(at(10))->pending == 0);
  }
}
