// PgStore beyond the contract suites: instances learn of each other's outbox rows
// through LISTEN/NOTIFY. Needs the server of REVIEWBOT_TEST_POSTGRES_URL.
#include "reviewbot/store/pg_store.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "store/pg_test_server.h"
#include "store/store_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

std::unique_ptr<store::PgStore> open_on(const TestSchema& schema,
                                        const std::string& business = "default") {
  store::PgOptions options;
  options.business_id = business;
  options.params = schema.params();
  options.description = schema.description();
  options.pool_size = 2;
  auto opened = store::PgStore::open(std::move(options));
  if (!opened) FAIL(opened.error().message);
  return std::move(opened).value();
}

bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 100; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

}  // namespace

TEST_CASE("pg_store: another instance's new outbox rows wake the watcher", "[postgres][store]") {
  const auto server = test_server();
  if (!server) return;
  TestSchema schema(*server);
  auto sender = open_on(schema);
  auto other = open_on(schema);
  std::atomic<int> woken{0};
  sender->watch([&] { ++woken; });
  REQUIRE(eventually([&] { return woken > 0; }));  // once when it starts listening
  const int before = woken;

  core::Decision quiet;  // no messages: no wake-up
  REQUIRE(apply(*other, event_key("e0"), quiet).status == store::ProcessResult::Status::kApplied);
  core::Decision d;
  d.messages.push_back(
      {core::MessageKind::kNotice, core::SendText{42, "hi", false, {}, {}}, at(0), {}});
  REQUIRE(apply(*other, event_key("e1"), d).status == store::ProcessResult::Status::kApplied);
  CHECK(eventually([&] { return woken == before + 1; }));
}

TEST_CASE("pg_store: businesses in one database see only their own rows", "[postgres][store]") {
  const auto server = test_server();
  if (!server) return;
  TestSchema schema(*server);
  auto cafe = open_on(schema, "cafe");
  auto bakery = open_on(schema, "bakery");
  // The same update id and chat at both: independent inputs, customers and outboxes.
  REQUIRE(apply(*cafe, update_key(7), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  REQUIRE(apply(*bakery, update_key(7), request_decision(1001)).status ==
          store::ProcessResult::Status::kApplied);
  CHECK(apply(*cafe, update_key(7), request_decision(1001)).status ==
        store::ProcessResult::Status::kDuplicate);
  CHECK(peek(*cafe, {1001, {}, {}, {}}).customer->id !=
        peek(*bakery, {1001, {}, {}, {}}).customer->id);

  const store::Lease lease{"web.1", at(20)};
  auto claimed = cafe->claim_due(lease, at(0), 10);
  REQUIRE(claimed.ok());
  REQUIRE(claimed->size() == 1);
  CHECK(bakery->outbox_stats(at(0))->pending == 1);  // its own row, unclaimed
  REQUIRE(cafe->complete("web.1", claimed->at(0).id,
                         {store::DeliveryOutcome::Status::kSent, 5, {}, ""}, at(1))
              .ok());
  CHECK(cafe->stats()->requests_sent == 1);
  CHECK(bakery->stats()->requests_sent == 0);
  CHECK(bakery->sent_since(at(0))->empty());
  // Leases are per business too.
  CHECK(cafe->hold_lease("sender", lease, at(0)).value());
  CHECK(bakery->hold_lease("sender", {"web.2", at(20)}, at(0)).value());
}

TEST_CASE("pg_store: each business keeps its own keys", "[postgres][store][keys]") {
  const auto server = test_server();
  if (!server) return;
  TestSchema schema(*server);
  auto cafe = open_on(schema, "cafe");
  auto bakery = open_on(schema, "bakery");
  CHECK(*cafe->keep_key("link_secret", "cafe-token") == "cafe-token");
  CHECK(*bakery->keep_key("link_secret", "bakery-token") == "bakery-token");
  // A second instance of the cafe gets the cafe's key.
  auto cafe_again = open_on(schema, "cafe");
  CHECK(*cafe_again->keep_key("link_secret", "other") == "cafe-token");
}
