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

std::unique_ptr<store::PgStore> open_on(const TestSchema& schema) {
  store::PgOptions options;
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
