// Store contract for what complete() writes besides the row: the follow-up decision in the
// same transaction, nothing at all when it fails, and a row cancelled while in flight.
// Runs on every whole store backend (contract/backends.h), through the interfaces only.
#include <stdexcept>

#include "store/contract/backends.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

// Claims the request of a new conversation for chat 1001 (and a reminder due later).
template <class Backend>
store::OutboxRow claimed_request(Backend& backend) {
  core::Decision d = request_decision(1001);
  d.messages.push_back(make_text(core::MessageKind::kReminder, 1001, "R", at(100), 0));
  REQUIRE(apply(backend.store(), event_key("e1"), d).status ==
          store::ProcessResult::Status::kApplied);
  auto rows = claim(backend.store(), at(0));
  REQUIRE(rows.size() == 1);
  return rows[0];
}

}  // namespace

TEMPLATE_TEST_CASE("store: complete writes the follow-up's decision with the result",
                   "[store][contract][outbox]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto row = claimed_request(backend);
  core::Snapshot seen;
  const store::FollowUp follow_up{{1001, {}, {}, {}}, [&](const core::Snapshot& snapshot) {
                                    seen = snapshot;
                                    core::Decision d;
                                    core::Conversation conv = *snapshot.conversation;
                                    conv.request_message_id = 555;
                                    conv.prompt_message_id = 556;
                                    d.conversation = conv;
                                    core::Customer customer = *snapshot.customer;
                                    customer.unreachable = true;
                                    d.customer = customer;
                                    d.cancel_chat = 1001;
                                    return d;
                                  }};
  REQUIRE(
      s.complete(kThisInstance, row.id, outcome(Delivery::kSent, {}, "", 555), at(3), &follow_up)
          .ok());

  REQUIRE(seen.conversation);  // the follow-up saw the stored state
  CHECK(seen.conversation->id == row.conversation_id);
  const auto after = peek(s, {1001, {}, {}, {}});
  REQUIRE(after.conversation);
  CHECK(after.conversation->request_message_id == std::optional<int64_t>(555));
  CHECK(after.conversation->prompt_message_id == std::optional<int64_t>(556));
  CHECK(after.customer->unreachable);
  CHECK(s.outbox_stats(at(200))->pending == 0);  // the reminder was cancelled
  CHECK(s.sent_since(at(3))->size() == 1);       // the request itself stays sent
}

TEMPLATE_TEST_CASE("store: a follow-up that fails leaves the row and the state unchanged",
                   "[store][contract][outbox]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto row = claimed_request(backend);
  const store::FollowUp failing{{1001, {}, {}, {}}, [](const core::Snapshot&) -> core::Decision {
                                  throw std::runtime_error("rules failed");
                                }};
  CHECK_FALSE(
      s.complete(kThisInstance, row.id, outcome(Delivery::kSent, {}, "", 5), at(3), &failing).ok());
  CHECK(s.sent_since(at(0))->empty());
  CHECK(claim(s, at(3)).empty());  // still claimed by this instance
  REQUIRE(s.complete(kThisInstance, row.id, outcome(Delivery::kSent, {}, "", 5), at(4)).ok());
  CHECK(s.sent_since(at(0))->size() == 1);
}

TEMPLATE_TEST_CASE("store: a row cancelled while in flight is recorded as sent if it went out",
                   "[store][contract][outbox]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto row = claimed_request(backend);
  core::Decision refund;
  refund.cancellations = {{*row.conversation_id, {}}};
  REQUIRE(apply(s, event_key("e2"), refund).status == store::ProcessResult::Status::kApplied);

  SECTION("sent") {
    REQUIRE(s.complete(kThisInstance, row.id, outcome(Delivery::kSent, {}, "", 7), at(1)).ok());
    CHECK(s.sent_since(at(1))->size() == 1);
  }
  SECTION("retry leaves it cancelled") {
    REQUIRE(s.complete(kThisInstance, row.id, outcome(Delivery::kRetry, at(5), "502"), at(1)).ok());
    CHECK(claim_texts(s, at(200)).empty());
    CHECK(s.outbox_stats(at(200))->pending == 0);
  }
}
