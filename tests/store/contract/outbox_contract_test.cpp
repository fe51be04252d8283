// OutboxStore contract: due order, one row in flight per chat, retries and deferrals,
// completion and sent_since. Runs on every outbox backend (contract/backends.h).
#include "store/contract/backends.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;

TEMPLATE_TEST_CASE("outbox: claim_due keeps each chat's messages in order",
                   "[store][contract][outbox]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  enqueue(s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "A1", at(0)),
           make_text(core::MessageKind::kNotice, 1, "A2", at(1)),
           make_text(core::MessageKind::kNotice, 2, "B1", at(2)),
           make_text(core::MessageKind::kNotice, 2, "B-later", at(100))});

  const auto first = claim(s, at(10));
  REQUIRE(texts(first) == std::vector<std::string>{"A1", "B1"});
  const int64_t a1 = id_of(first, "A1");
  const int64_t b1 = id_of(first, "B1");

  SECTION("a chat's second message waits while the first is in flight") {
    CHECK(claim_texts(s, at(10)).empty());
    REQUIRE(s.complete(kThisInstance, b1, outcome(Delivery::kSent, {}, "", 11), at(10)).ok());
    CHECK(claim_texts(s, at(10)).empty());  // B-later is not due; A2 waits for A1
    REQUIRE(s.complete(kThisInstance, a1, outcome(Delivery::kSent, {}, "", 12), at(10)).ok());
    CHECK(claim_texts(s, at(10)) == std::vector<std::string>{"A2"});
  }
  SECTION("a chat's second message waits while the first waits for a retry") {
    REQUIRE(s.complete(kThisInstance, a1, outcome(Delivery::kRetry, at(30), "429"), at(10)).ok());
    REQUIRE(s.complete(kThisInstance, b1, outcome(Delivery::kSent, {}, "", 11), at(10)).ok());
    CHECK(claim_texts(s, at(20)).empty());
    CHECK(s.next_due() == std::optional<core::Time>(at(30)));
    const auto rows = claim(s, at(30));
    REQUIRE(texts(rows) == std::vector<std::string>{"A1"});
    CHECK(rows[0].attempts == 1);
  }
  SECTION("a failed message no longer blocks its chat") {
    REQUIRE(s.complete(kThisInstance, a1, outcome(Delivery::kFailed, {}, "400 bad"), at(10)).ok());
    CHECK(claim_texts(s, at(10)) == std::vector<std::string>{"A2"});
    CHECK(s.outbox_stats(at(10))->failed == 1);
  }
  SECTION("an unknown row cannot be completed") {
    CHECK_FALSE(s.complete(kThisInstance, 999'999, outcome(Delivery::kSent), at(10)).ok());
  }
}

TEMPLATE_TEST_CASE("outbox: a deferred row waits for its new time without counting an attempt",
                   "[store][contract][outbox]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  enqueue(s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "A1", at(0)),
           make_text(core::MessageKind::kNotice, 1, "A2", at(1))});
  const auto rows = claim(s, at(10));
  REQUIRE(texts(rows) == std::vector<std::string>{"A1"});
  REQUIRE(s.complete(kThisInstance, rows[0].id, outcome(Delivery::kDeferred, at(12)), at(10)).ok());

  CHECK(claim_texts(s, at(11)).empty());  // A1 waits for 12; A2 still waits behind it
  CHECK(s.next_due() == std::optional<core::Time>(at(12)));
  const auto again = claim(s, at(12));
  REQUIRE(texts(again) == std::vector<std::string>{"A1"});
  CHECK(again[0].attempts == 0);
  CHECK(s.outbox_stats(at(12))->pending == 2);
}

TEMPLATE_TEST_CASE("outbox: claim_due takes due rows only, oldest first, up to the limit",
                   "[store][contract][outbox]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  CHECK_FALSE(s.next_due());
  enqueue(s, "e1",
          {make_text(core::MessageKind::kNotice, 3, "C", at(5)),
           make_text(core::MessageKind::kNotice, 1, "A", at(3)),
           make_text(core::MessageKind::kNotice, 2, "B", at(4)),
           make_text(core::MessageKind::kNotice, 4, "D", at(50))});
  CHECK(s.next_due() == std::optional<core::Time>(at(3)));
  CHECK(claim_texts(s, at(2)).empty());
  CHECK(claim_texts(s, at(10), 2) == std::vector<std::string>{"A", "B"});
  CHECK(claim_texts(s, at(10), 2) == std::vector<std::string>{"C"});
  CHECK(s.next_due() == std::optional<core::Time>(at(50)));
  CHECK(claim_texts(s, at(10), 0).empty());
}

TEMPLATE_TEST_CASE("outbox: callback answers are not chat-ordered", "[store][contract][outbox]",
                   REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  enqueue(s, "e1",
          {{core::MessageKind::kCallbackAnswer, core::AnswerCallback{"q1", ""}, at(0), {}},
           {core::MessageKind::kCallbackAnswer, core::AnswerCallback{"q2", ""}, at(0), {}}});
  const auto rows = claim(s, at(1));
  REQUIRE(rows.size() == 2);
  CHECK(std::get<core::AnswerCallback>(rows[0].body).callback_query_id == "q1");
  CHECK(rows[0].kind == core::MessageKind::kCallbackAnswer);
}

TEMPLATE_TEST_CASE("outbox: sent_since lists the rows sent since a time, oldest first",
                   "[store][contract][outbox]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  enqueue(s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "A", at(0)),
           make_text(core::MessageKind::kNotice, 2, "B", at(0)),
           make_text(core::MessageKind::kNotice, 3, "C", at(0))});
  const auto rows = claim(s, at(0));
  REQUIRE(rows.size() == 3);
  REQUIRE(s.complete(kThisInstance, id_of(rows, "B"), outcome(Delivery::kSent), at(12)).ok());
  REQUIRE(s.complete(kThisInstance, id_of(rows, "A"), outcome(Delivery::kSent), at(10)).ok());
  REQUIRE(s.complete(kThisInstance, id_of(rows, "C"), outcome(Delivery::kRetry, at(60)), at(11))
              .ok());  // not sent

  auto recent = s.sent_since(at(10));
  REQUIRE(recent.ok());
  REQUIRE(recent->size() == 2);
  CHECK((*recent)[0].chat_id == 1);
  CHECK((*recent)[0].sent_at == at(10));
  CHECK((*recent)[1].chat_id == 2);
  CHECK(s.sent_since(at(11))->size() == 1);
}

TEMPLATE_TEST_CASE("outbox: outbox_stats counts pending and failed rows and ages the oldest",
                   "[store][contract][outbox][metrics]", REVIEWBOT_OUTBOX_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto empty = s.outbox_stats(at(0));
  REQUIRE(empty.ok());
  CHECK(empty->pending == 0);
  CHECK(empty->failed == 0);
  CHECK(empty->oldest_due_age == core::Duration{0});

  enqueue(s, "e1",
          {make_text(core::MessageKind::kNotice, 1, "A", at(0)),
           make_text(core::MessageKind::kNotice, 2, "B", at(5)),
           make_text(core::MessageKind::kNotice, 3, "C", at(100))});
  auto stats = s.outbox_stats(at(60));
  REQUIRE(stats.ok());
  CHECK(stats->pending == 3);
  CHECK(stats->oldest_due_age == std::chrono::seconds(60));  // A, due at 0
  CHECK(s.outbox_stats(at(-10))->oldest_due_age == core::Duration{0});

  const auto rows = claim(s, at(60));
  REQUIRE(rows.size() == 2);
  CHECK(s.outbox_stats(at(60))->pending == 3);  // claimed rows are still pending
  SECTION("a retried row keeps its age") {
    REQUIRE(s.complete(kThisInstance, id_of(rows, "A"), outcome(Delivery::kRetry, at(90)), at(60))
                .ok());
    CHECK(s.outbox_stats(at(70))->oldest_due_age == std::chrono::seconds(70));
  }
  SECTION("sent rows leave, failed rows are counted, the next due row sets the age") {
    REQUIRE(s.complete(kThisInstance, id_of(rows, "A"), outcome(Delivery::kFailed), at(60)).ok());
    REQUIRE(s.complete(kThisInstance, id_of(rows, "B"), outcome(Delivery::kSent), at(60)).ok());
    stats = s.outbox_stats(at(60));
    CHECK(stats->pending == 1);
    CHECK(stats->failed == 1);
    CHECK(stats->oldest_due_age == core::Duration{0});  // C is due at 100
    CHECK(s.outbox_stats(at(130))->oldest_due_age == std::chrono::seconds(30));
  }
}
