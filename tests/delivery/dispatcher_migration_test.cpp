// The Dispatcher on migrate_to_chat_id: the chat is moved in the store and the row goes
// out again to the new chat.
#include "delivery/dispatcher_harness.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Kind = platform::SendResult::Kind;
using Status = store::DeliveryOutcome::Status;

namespace {

core::SendText alert(core::ChatId chat, std::string body) {
  return core::SendText{chat, std::move(body), true, {}, std::nullopt};
}

platform::SendResult migrated_to(core::ChatId chat) {
  auto r =
      answer(Kind::kMigrated, 400, "Bad Request: group chat was upgraded to a supergroup chat");
  r.migrate_to_chat_id = chat;
  return r;
}

}  // namespace

TEST_CASE("a send to a migrated chat moves the chat and goes out to the new one",
          "[dispatcher][migration]") {
  DispatcherHarness h;
  h.client->script({migrated_to(-100999)});
  const auto id = h.store.add_outbox(alert(-100, "Rating 1 from Ann"), h.clock.now(),
                                     core::MessageKind::kOwnerAlert);
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.store.chat_migrations() == std::map<core::ChatId, core::ChatId>{{-100, -100999}});
  const auto first = h.last_outcome(id);
  CHECK(first.status == Status::kRetry);
  CHECK(first.retry_at == h.clock.now());
  CHECK(h.count(h.dispatcher->counters().chat_migrations) == 1);

  CHECK(h.dispatcher->run_once() == 1);
  const auto sent = h.client->sent();
  REQUIRE(sent.size() == 2);
  CHECK(core::chat_of(sent[0]) == -100);
  CHECK(core::chat_of(sent[1]) == -100999);
  CHECK(std::get<core::SendText>(sent[1]).text == "Rating 1 from Ann");
  CHECK(h.last_outcome(id).status == Status::kSent);

  SECTION("a later message for the old chat goes straight to the new one") {
    h.clock.advance(std::chrono::seconds(5));
    const auto later = h.store.add_outbox(alert(-100, "Rating 2 from Bob"), h.clock.now(),
                                          core::MessageKind::kOwnerAlert);
    CHECK(h.dispatcher->run_once() == 1);
    CHECK(core::chat_of(h.client->sent().back()) == -100999);
    CHECK(h.last_outcome(later).status == Status::kSent);
    CHECK(h.client->send_count() == 3);
  }
}

TEST_CASE(
    "a migration the store cannot record is retried later, not resent to the old chat at once",
    "[dispatcher][migration]") {
  DispatcherHarness h;
  h.client->script({migrated_to(-100999)});
  h.client->on_send([&](const core::MessageBody&) { h.store.set_unavailable(true); });
  const auto id =
      h.store.add_outbox(alert(-100, "Rating 1"), h.clock.now(), core::MessageKind::kOwnerAlert);
  h.dispatcher->run_once();
  const auto outcome = h.last_outcome(id);
  CHECK(outcome.status == Status::kRetry);
  CHECK(outcome.retry_at > h.clock.now());
  CHECK(outcome.reason.find("not recorded") != std::string::npos);
  CHECK(h.store.chat_migrations().empty());
  CHECK(h.count(h.dispatcher->counters().chat_migrations) == 0);
}
