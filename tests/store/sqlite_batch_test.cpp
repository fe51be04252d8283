// SqliteStore's batches: applied first without a savepoint per input, and only when an
// input fails applied again with one each (the contract test checks the results either way).
#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Status = store::ProcessResult::Status;

namespace {

// A decision for `chat` that counts how often it is made.
store::DecideFn counted(core::ChatId chat, int& calls) {
  return [chat, &calls](const core::Snapshot&) {
    ++calls;
    return request_decision(chat);
  };
}

}  // namespace

TEST_CASE("a batch where nothing fails decides each input once", "[store][batch]") {
  TempDb db;
  auto s = open_store(db.path());
  int calls_1 = 0, calls_2 = 0;
  const store::InboundKey k1 = event_key("evt-1"), k2 = event_key("evt-2");
  const core::Lookup chat_1{1001, {}, {}, {}}, chat_2{1002, {}, {}, {}};
  const store::DecideFn d1 = counted(1001, calls_1), d2 = counted(1002, calls_2);
  const std::vector<store::BatchInput> inputs = {{&k1, &chat_1, &d1}, {&k2, &chat_2, &d2}};

  const auto results = s->process_batch(inputs);
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::kApplied);
  CHECK(results[1].status == Status::kApplied);
  CHECK(calls_1 == 1);
  CHECK(calls_2 == 1);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox") == 2);
}

TEST_CASE("a failing input makes the batch start over, each input under a savepoint",
          "[store][batch]") {
  TempDb db;
  auto s = open_store(db.path());
  int before = 0, after = 0, failing = 0;
  const store::InboundKey k1 = event_key("evt-1"), k2 = event_key("evt-2"), k3 = event_key("evt-3");
  const core::Lookup chat_1{1001, {}, {}, {}}, chat_2{1002, {}, {}, {}}, chat_3{1003, {}, {}, {}};
  const store::DecideFn d1 = counted(1001, before), d3 = counted(1003, after);
  // Writes its customer, then fails: parking an event without an external id is refused.
  const store::DecideFn d2 = [&](const core::Snapshot&) {
    ++failing;
    core::Decision d = request_decision(1002);
    d.park = core::TransactionEvent{};
    d.park->id = "evt-without-external-id";
    return d;
  };
  const std::vector<store::BatchInput> inputs = {
      {&k1, &chat_1, &d1}, {&k2, &chat_2, &d2}, {&k3, &chat_3, &d3}};

  const auto results = s->process_batch(inputs);
  REQUIRE(results.size() == 3);
  CHECK(results[0].status == Status::kApplied);
  CHECK(results[1].status == Status::kUnavailable);
  CHECK(results[2].status == Status::kApplied);
  // The first attempt stopped at the failing input; the second decided everything anew.
  CHECK(before == 2);
  CHECK(failing == 2);
  CHECK(after == 1);
  // Nothing of the first attempt is left twice, and nothing of the failing input at all.
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM outbox") == 2);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM customers") == 2);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM customers WHERE chat_id = 1002") == 0);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM events") == 2);
}
