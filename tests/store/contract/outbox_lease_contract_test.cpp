// OutboxStore contract for claims shared by several instances: owners and leases, send
// marks, restarts (release_claims) and takeovers (take_over_expired). Runs on every
// outbox backend (contract/backends.h).
#include "store/contract/backends.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

// A request for chat 1001 and a notice for chat 2002, claimed by `owner` at at(0).
template <class Backend>
std::vector<store::OutboxRow> two_claimed(Backend& backend, const std::string& owner) {
  store::Store& s = backend.store();
  enqueue(s, "e1",
          {make_text(core::MessageKind::kRequest, 1001, "request", at(0)),
           make_text(core::MessageKind::kNotice, 2002, "notice", at(0))});
  auto rows = claim(s, at(0), 10, owner);
  REQUIRE(texts(rows) == std::vector<std::string>{"request", "notice"});
  return rows;
}

}  // namespace

TEMPLATE_TEST_CASE("outbox: a live claim of another instance is never taken",
                   "[store][contract][outbox][lease]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto rows = two_claimed(backend, kOtherInstance);

  CHECK(claim(s, at(1)).empty());
  CHECK(s.take_over_expired(lease_for(kThisInstance, at(19)), at(19))->empty());
  // This instance restarting releases nothing of the other's.
  backend.reopen();
  CHECK(backend.store().release_claims(lease_for(kThisInstance, at(19)), at(19))->empty());
  CHECK(claim(backend.store(), at(19)).empty());
  CHECK_FALSE(backend.store().mark_sending(kThisInstance, rows[0].id, at(19)).ok());
  CHECK_FALSE(
      backend.store().complete(kThisInstance, rows[0].id, outcome(Delivery::kFailed), at(19)).ok());
  // Its owner still completes it.
  CHECK(backend.store()
            .complete(kOtherInstance, rows[1].id, outcome(Delivery::kSent, {}, "", 5), at(19))
            .ok());
}

TEMPLATE_TEST_CASE("outbox: a renewed lease keeps the claim past its first end",
                   "[store][contract][outbox][lease]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto rows = two_claimed(backend, kOtherInstance);
  auto renewed = s.renew_claims(lease_for(kOtherInstance, at(15)));  // until at(35)
  REQUIRE(renewed.ok());
  CHECK(*renewed == 2);
  CHECK(s.renew_claims(lease_for(kThisInstance, at(15))).value() == 0);

  CHECK(s.take_over_expired(lease_for(kThisInstance, at(30)), at(30))->empty());
  CHECK(claim(s, at(30)).empty());
  CHECK(s.mark_sending(kOtherInstance, rows[0].id, at(30)).ok());
  SECTION("and it ends when renewals stop") {
    CHECK(s.take_over_expired(lease_for(kThisInstance, at(36)), at(36))->size() == 1);
  }
}

TEMPLATE_TEST_CASE("outbox: an expired claim is taken over, in-flight rows handed to the taker",
                   "[store][contract][outbox][lease]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto rows = two_claimed(backend, kOtherInstance);
  const int64_t request = rows[0].id;
  REQUIRE(s.mark_sending(kOtherInstance, request, at(1)).ok());

  // The other instance dies; its lease (until at(20)) runs out.
  auto taken = s.take_over_expired(lease_for(kThisInstance, at(21)), at(21));
  REQUIRE(taken.ok());
  REQUIRE(taken->size() == 1);  // the marked request, now claimed by this instance
  CHECK(taken->at(0).id == request);
  CHECK(taken->at(0).kind == core::MessageKind::kRequest);
  CHECK(std::get<core::SendText>(taken->at(0).body).chat_id == 1001);
  CHECK(taken->at(0).attempts == 0);

  // The unmarked notice is free again; the request stays claimed until its verdict.
  CHECK(claim_texts(s, at(21)) == std::vector<std::string>{"notice"});
  CHECK(s.take_over_expired(lease_for(kThisInstance, at(22)), at(22))->empty());
  CHECK_FALSE(s.complete(kOtherInstance, request, outcome(Delivery::kRetry, at(30)), at(22)).ok());
  REQUIRE(
      s.complete(kThisInstance, request, outcome(Delivery::kFailed, {}, "in doubt"), at(22)).ok());
  CHECK(s.outbox_stats(at(22))->failed == 1);
}

TEMPLATE_TEST_CASE("outbox: a restart releases its own claims and hands back its marked rows",
                   "[store][contract][outbox][lease][in_doubt]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  const auto rows = two_claimed(backend, kThisInstance);
  const int64_t request = rows[0].id;
  REQUIRE(backend.store().mark_sending(kThisInstance, request, at(1)).ok());

  backend.reopen();  // the process dies here, both rows claimed, and starts again at once
  store::Store& s = backend.store();
  auto in_flight = s.release_claims(lease_for(kThisInstance, at(2)), at(2));
  REQUIRE(in_flight.ok());
  REQUIRE(in_flight->size() == 1);
  CHECK(in_flight->at(0).id == request);

  CHECK(claim_texts(s, at(2)) == std::vector<std::string>{"notice"});
  REQUIRE(
      s.complete(kThisInstance, request, outcome(Delivery::kFailed, {}, "not resent"), at(2)).ok());
  CHECK(s.release_claims(lease_for(kThisInstance, at(3)), at(3))->empty());
}

TEMPLATE_TEST_CASE("outbox: complete clears the send mark whatever the outcome",
                   "[store][contract][outbox][in_doubt]", REVIEWBOT_OUTBOX_BACKENDS) {
  const auto status = GENERATE(Delivery::kSent, Delivery::kRetry, Delivery::kFailed,
                               Delivery::kDeferred, Delivery::kUnreachable);
  TestType backend;
  store::Store& s = backend.store();
  const auto rows = two_claimed(backend, kThisInstance);
  REQUIRE(s.mark_sending(kThisInstance, rows[0].id, at(1)).ok());
  REQUIRE(s.complete(kThisInstance, rows[0].id, outcome(status, at(5), "x", 9), at(2)).ok());
  REQUIRE(s.complete(kThisInstance, rows[1].id, outcome(Delivery::kSent, {}, "", 10), at(2)).ok());
  // Claim the request again where it is still pending: it comes back unmarked.
  (void)claim(s, at(5));
  CHECK(s.release_claims(lease_for(kThisInstance, at(6)), at(6))->empty());
}

TEMPLATE_TEST_CASE("outbox: only the owner of a live claim can mark it as sending",
                   "[store][contract][outbox][in_doubt]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  enqueue(s, "e1", {make_text(core::MessageKind::kRequest, 1001, "request", at(0))});
  CHECK_FALSE(s.mark_sending(kThisInstance, 999'999, at(0)).ok());
  const auto rows = claim(s, at(0));
  REQUIRE(rows.size() == 1);
  CHECK_FALSE(s.mark_sending(kOtherInstance, rows[0].id, at(0)).ok());
  CHECK_FALSE(s.mark_sending(kThisInstance, rows[0].id, at(20)).ok());  // the lease has ended
  CHECK(s.mark_sending(kThisInstance, rows[0].id, at(19)).ok());
}

TEMPLATE_TEST_CASE("outbox: a send recorded by an owner that lost its claim still counts",
                   "[store][contract][outbox][lease]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto rows = two_claimed(backend, kOtherInstance);
  // The other instance stalls past its lease; this one takes the unmarked notice over...
  REQUIRE(s.take_over_expired(lease_for(kThisInstance, at(21)), at(21))->empty());
  REQUIRE(claim_texts(s, at(21)) == std::vector<std::string>{"request", "notice"});
  // ...and then the stalled instance reports that it did send it: that is a fact.
  CHECK(s.complete(kOtherInstance, rows[1].id, outcome(Delivery::kSent, {}, "", 3), at(22)).ok());
  CHECK(s.sent_since(at(22))->size() == 1);
}

TEMPLATE_TEST_CASE("outbox: a named lease has one holder until it ends or is released",
                   "[store][contract][outbox][lease]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  CHECK(s.hold_lease("sender", lease_for(kOtherInstance, at(0)), at(0)).value());
  CHECK_FALSE(s.hold_lease("sender", lease_for(kThisInstance, at(1)), at(1)).value());
  CHECK(s.hold_lease("other", lease_for(kThisInstance, at(1)), at(1)).value());  // another name
  // The holder renews it (until at(25)), so it outlives its first end.
  CHECK(s.hold_lease("sender", lease_for(kOtherInstance, at(5)), at(5)).value());
  CHECK_FALSE(s.hold_lease("sender", lease_for(kThisInstance, at(21)), at(21)).value());

  SECTION("it passes on once it ends") {
    CHECK(s.hold_lease("sender", lease_for(kThisInstance, at(26)), at(26)).value());
    CHECK_FALSE(s.hold_lease("sender", lease_for(kOtherInstance, at(27)), at(27)).value());
  }
  SECTION("it passes on at once when its holder lets it go") {
    REQUIRE(s.release_lease("sender", kThisInstance).ok());  // not the holder: no effect
    CHECK_FALSE(s.hold_lease("sender", lease_for(kThisInstance, at(6)), at(6)).value());
    REQUIRE(s.release_lease("sender", kOtherInstance).ok());
    CHECK(s.hold_lease("sender", lease_for(kThisInstance, at(6)), at(6)).value());
  }
  SECTION("it survives a restart of the store") {
    backend.reopen();
    CHECK_FALSE(
        backend.store().hold_lease("sender", lease_for(kThisInstance, at(6)), at(6)).value());
  }
}
