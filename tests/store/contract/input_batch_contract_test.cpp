// InputStore::process_batch contract (contract/backends.h): inputs are applied in order, each
// on its own, so a failing input changes nothing and fails none of its neighbours, a later
// input sees what the earlier ones wrote, and a key repeated within the batch is a duplicate.
// SQLite commits a batch as one transaction (a savepoint per input once one fails); PostgreSQL
// applies the inputs one transaction each. Either way the results must be the same, and the same
// again when the batch is committed unsynced and then synced (SQLite: WalSync).
#include "store/contract/backends.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Status = store::ProcessResult::Status;

namespace {

// A decision that adds `suffix` to the chat's customer (creating it), so the stored name
// shows which inputs were applied and in which order.
store::DecideFn append_to_name(core::ChatId chat, std::string suffix) {
  return [chat, suffix = std::move(suffix)](const core::Snapshot& snapshot) {
    core::Decision d;
    core::Customer customer = snapshot.customer.value_or(make_customer(chat, std::nullopt, ""));
    customer.name += suffix;
    d.customer = customer;
    return d;
  };
}

// A decision whose writes fail part-way: the customer is written, then parking an event
// without an external id is refused.
store::DecideFn failing_after_a_write(core::ChatId chat) {
  return [chat](const core::Snapshot& snapshot) {
    core::Decision d;
    core::Customer customer = snapshot.customer.value_or(make_customer(chat, std::nullopt, ""));
    customer.name += "FAILED";
    d.customer = customer;
    d.park = core::TransactionEvent{};
    d.park->id = "evt-without-external-id";
    return d;
  };
}

std::string name_of(store::InputStore& s, core::ChatId chat) {
  core::Lookup lookup;
  lookup.chat_id = chat;
  const core::Snapshot snapshot = peek(s, lookup);
  return snapshot.customer ? snapshot.customer->name : "<none>";
}

}  // namespace

TEMPLATE_TEST_CASE("a batch applies its inputs in order, each on its own",
                   "[store][contract][batch]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  core::Lookup chat_1;
  chat_1.chat_id = 1001;
  core::Lookup chat_2;
  chat_2.chat_id = 1002;
  const store::InboundKey k1 = event_key("evt-1"), k2 = event_key("evt-2"), k3 = update_key(3),
                          k4 = event_key("evt-4");
  const store::DecideFn a = append_to_name(1001, "a"), fail = failing_after_a_write(1001),
                        b = append_to_name(1001, "b"), c = append_to_name(1002, "c"),
                        again = append_to_name(1001, "again");
  const std::vector<store::BatchInput> inputs = {
      {&k1, &chat_1, &a},      // applied
      {&k2, &chat_1, &fail},   // rolled back alone
      {&k3, &chat_1, &b},      // sees "a"
      {&k1, &chat_1, &again},  // evt-1 again: a duplicate, not applied
      {&k4, &chat_2, &c},      // another customer
  };
  std::vector<store::ProcessResult> results;
  SECTION("durable on return") { results = s.process_batch(inputs); }
  SECTION("unsynced, then synced") {
    results = s.process_batch_unsynced(inputs);
    REQUIRE(s.sync().ok());
  }
  REQUIRE(results.size() == inputs.size());
  CHECK(results[0].status == Status::kApplied);
  CHECK(results[1].status == Status::kUnavailable);
  CHECK_THAT(results[1].error, Catch::Contains("external_id"));
  CHECK(results[2].status == Status::kApplied);
  CHECK(results[3].status == Status::kDuplicate);
  CHECK(results[4].status == Status::kApplied);

  CHECK(name_of(s, 1001) == "ab");
  CHECK(name_of(s, 1002) == "c");
  // The failed input's key was not recorded: sent again, it is applied.
  const store::DecideFn retried = append_to_name(1001, "r");
  CHECK(s.process(k2, chat_1, retried).status == Status::kApplied);
  CHECK(name_of(s, 1001) == "abr");
  // The applied ones were: sent again, they are duplicates, after a restart too.
  backend.reopen();
  CHECK(backend.store().process(k3, chat_1, b).status == Status::kDuplicate);
  CHECK(backend.store().process(k4, chat_2, c).status == Status::kDuplicate);
  CHECK(name_of(backend.store(), 1001) == "abr");
}

TEMPLATE_TEST_CASE("an empty batch answers nothing", "[store][contract][batch]",
                   REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  CHECK(backend.store().process_batch({}).empty());
}
