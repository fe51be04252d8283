// OwnerReads contract: the review list with its filters and paging, and the stats.
// Runs on every store backend (contract/backends.h).
#include "store/contract/backends.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Status = store::ProcessResult::Status;

namespace {

// Stores a conversation for chat `chat`; rated (answered at `answered`) when rating > 0.
void add_conversation(store::Store& s, core::ChatId chat, int rating, core::Time answered,
                      bool request_sent) {
  core::Decision d = request_decision(chat);
  d.customer->external_id = "X-" + std::to_string(chat);
  d.conversation->transaction_id = "T-" + std::to_string(chat);
  d.conversation->variant = "b";
  if (rating > 0) {
    d.conversation->state = core::ConversationState::kDone;
    d.conversation->rating = rating;
    d.conversation->answered_at = answered;
    if (rating == 5) d.conversation->comment = "great";
  }
  REQUIRE(apply(s, event_key("e" + std::to_string(chat)), d).status == Status::kApplied);
  auto rows = s.claim_due(lease_for(kThisInstance, at(0)), at(0), 10);
  REQUIRE(rows.ok());
  for (const auto& row : *rows) {
    const auto outcome =
        request_sent ? store::DeliveryOutcome{store::DeliveryOutcome::Status::kSent, 1, {}, ""}
                     : store::DeliveryOutcome{store::DeliveryOutcome::Status::kFailed, {}, {}, "x"};
    REQUIRE(s.complete(kThisInstance, row.id, outcome, at(0)).ok());
  }
}

std::vector<int64_t> ids(const store::ReviewPage& page) {
  std::vector<int64_t> out;
  for (const auto& r : page.reviews) out.push_back(r.id);
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("list_reviews returns rated conversations newest first",
                   "[store][contract][reviews]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  // Conversation ids 1..6 (chat 100 + id); 4 is unanswered.
  add_conversation(s, 101, 5, at(10), true);
  add_conversation(s, 102, 1, at(20), true);
  add_conversation(s, 103, 5, at(30), true);
  add_conversation(s, 104, 0, {}, true);
  add_conversation(s, 105, 2, at(50), true);
  add_conversation(s, 106, 5, at(60), false);

  SECTION("every review with its customer") {
    auto page = s.list_reviews({});
    REQUIRE(page.ok());
    CHECK(ids(*page) == std::vector<int64_t>{6, 5, 3, 2, 1});
    CHECK_FALSE(page->next_cursor);
    const auto& r = page->reviews.back();
    CHECK(r.rating == 5);
    CHECK(r.comment == std::optional<std::string>("great"));
    CHECK(r.chat_id == std::optional<core::ChatId>(101));
    CHECK(r.external_id == std::optional<std::string>("X-101"));
    CHECK(r.customer_name == "Ann");
    CHECK(r.trigger == core::Trigger::kTransactionCompleted);
    CHECK(r.transaction_id == std::optional<std::string>("T-101"));
    CHECK(r.template_name == "default");
    CHECK(r.variant == "b");
    CHECK(r.locale == "en");
    CHECK(r.requested_at == at(0));
    CHECK(r.answered_at == at(10));
    CHECK_FALSE(page->reviews[1].comment);
  }
  SECTION("filtered by rating") {
    store::ReviewFilter f;
    f.rating = 5;
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{6, 3, 1});
  }
  SECTION("filtered by a rating range") {
    store::ReviewFilter f;
    f.max_rating = 2;
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{5, 2});
    f.min_rating = 2;
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{5});
  }
  SECTION("filtered by trigger") {
    store::ReviewFilter f;
    f.trigger = core::Trigger::kThankYou;
    CHECK(s.list_reviews(f)->reviews.empty());
    f.trigger = core::Trigger::kTransactionCompleted;
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{6, 5, 3, 2, 1});
  }
  SECTION("searched in comments, names and external ids, either case") {
    store::ReviewFilter f;
    f.search = "GREAT";
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{6, 3, 1});
    f.search = "x-105";
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{5});
    f.search = "%";  // a wildcard character is searched for as itself
    CHECK(s.list_reviews(f)->reviews.empty());
    f.search = "X_10";
    CHECK(s.list_reviews(f)->reviews.empty());
  }
  SECTION("filtered by answered_at, until exclusive") {
    store::ReviewFilter f;
    f.since = at(20);
    f.until = at(50);
    CHECK(ids(*s.list_reviews(f)) == std::vector<int64_t>{3, 2});
  }
  SECTION("paged with a cursor") {
    store::ReviewFilter f;
    f.limit = 2;
    auto first = s.list_reviews(f);
    REQUIRE(first.ok());
    CHECK(ids(*first) == std::vector<int64_t>{6, 5});
    REQUIRE(first->next_cursor == std::optional<int64_t>(5));
    f.after_id = first->next_cursor;
    auto second = s.list_reviews(f);
    CHECK(ids(*second) == std::vector<int64_t>{3, 2});
    f.after_id = second->next_cursor;
    auto third = s.list_reviews(f);
    CHECK(ids(*third) == std::vector<int64_t>{1});
    CHECK_FALSE(third->next_cursor);
  }
  SECTION("the limit is clamped to 1..500") {
    store::ReviewFilter f;
    f.limit = 0;
    CHECK(s.list_reviews(f)->reviews.size() == 1);
    f.limit = 100000;
    CHECK(s.list_reviews(f)->reviews.size() == 5);
  }
}

TEMPLATE_TEST_CASE("stats count sent requests, responses and the rating distribution",
                   "[store][contract][reviews]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();

  SECTION("an empty database") {
    auto stats = s.stats();
    REQUIRE(stats.ok());
    CHECK(stats->requests_sent == 0);
    CHECK(stats->responses == 0);
    CHECK(stats->response_rate == 0.0);
    CHECK_FALSE(stats->average_rating);
  }
  SECTION("some answers") {
    add_conversation(s, 101, 5, at(10), true);
    add_conversation(s, 102, 1, at(20), true);
    add_conversation(s, 103, 4, at(30), true);
    add_conversation(s, 104, 0, {}, true);
    add_conversation(s, 105, 0, {}, false);  // never sent: not a request sent
    auto stats = s.stats();
    REQUIRE(stats.ok());
    CHECK(stats->requests_sent == 4);
    CHECK(stats->responses == 3);
    CHECK(stats->response_rate == Approx(0.75));
    REQUIRE(stats->average_rating);
    CHECK(*stats->average_rating == Approx(10.0 / 3.0));
    CHECK(stats->distribution[0] == 1);
    CHECK(stats->distribution[1] == 0);
    CHECK(stats->distribution[3] == 1);
    CHECK(stats->distribution[4] == 1);
  }
}

TEMPLATE_TEST_CASE("the weekly trend counts answers per week, empty weeks included",
                   "[store][contract][reviews]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto week = std::chrono::duration_cast<std::chrono::seconds>(store::kWeek).count();
  add_conversation(s, 101, 5, at(10), true);
  add_conversation(s, 102, 2, at(20), true);
  add_conversation(s, 103, 4, at(2 * week + 5), true);
  add_conversation(s, 104, 3, at(3 * week), true);  // the end is exclusive
  add_conversation(s, 105, 0, {}, true);            // unanswered

  const auto trend = s.weekly_ratings(at(3 * week), 3);
  REQUIRE(trend);
  CHECK(*trend ==
        std::vector<store::WeekRatings>{{at(0), 2, 7}, {at(week), 0, 0}, {at(2 * week), 1, 4}});
}
