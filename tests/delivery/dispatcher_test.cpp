#include <chrono>
#include <thread>

#include "delivery/dispatcher_harness.h"

using namespace reviewbot;
using Kind = platform::SendResult::Kind;
using Status = store::DeliveryOutcome::Status;

namespace {

using testing::answer;
using testing::request;
using Harness = testing::DispatcherHarness;

// Polls `done` until it holds or 5 s pass.
template <class F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::yield();
  }
  return done();
}

}  // namespace

TEST_CASE("a sent message records its message id", "[dispatcher]") {
  Harness h;
  const auto id = h.store.add_outbox(request(7), h.clock.now());
  CHECK(h.dispatcher->run_once() == 1);
  const auto outcome = h.last_outcome(id);
  CHECK(outcome.status == Status::kSent);
  CHECK(outcome.message_id == 1000);
  CHECK(h.dispatcher->run_once() == 0);
}

TEST_CASE("rows not yet due are left alone", "[dispatcher]") {
  Harness h;
  h.store.add_outbox(request(7), h.clock.now() + std::chrono::minutes(5));
  CHECK(h.dispatcher->run_once() == 0);
  CHECK(h.client->send_count() == 0);
}

TEST_CASE("429 retry_after is respected", "[dispatcher]") {
  Harness h;
  auto r = answer(Kind::kRetryAfter, 429);
  r.retry_after = std::chrono::seconds(17);
  h.client->script({r});
  const auto id = h.store.add_outbox(request(7), h.clock.now());
  h.dispatcher->run_once();
  const auto outcome = h.last_outcome(id);
  CHECK(outcome.status == Status::kRetry);
  CHECK(outcome.retry_at == h.clock.now() + std::chrono::seconds(17));
  CHECK(h.dispatcher->run_once() == 0);
  h.clock.advance(std::chrono::seconds(17));
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.last_outcome(id).status == Status::kSent);
}

TEST_CASE("transient failures back off exponentially with jitter, bounded", "[dispatcher]") {
  SECTION("the jitter draw scales the delay") {
    for (double jitter : {0.0, 0.25, 0.75}) {
      Harness h(jitter);
      h.client->script({answer(Kind::kTransient, 502)});
      const auto id = h.store.add_outbox(request(7), h.clock.now(), core::MessageKind::kRequest, 3);
      h.dispatcher->run_once();
      const auto outcome = h.last_outcome(id);
      CHECK(outcome.status == Status::kRetry);
      // Fourth attempt: ceiling 8 s.
      CHECK(outcome.retry_at - h.clock.now() ==
            core::Duration{static_cast<int64_t>(jitter * 8000)});
    }
  }
  SECTION("the delay never exceeds the 5 min cap") {
    Harness h(0.999);
    h.client->script({answer(Kind::kUnknown, 0, "timeout")});
    const auto id =
        h.store.add_outbox(request(7), h.clock.now(), core::MessageKind::kCommentPrompt, 8);
    h.dispatcher->run_once();
    const auto outcome = h.last_outcome(id);
    CHECK(outcome.status == Status::kRetry);
    CHECK(outcome.retry_at - h.clock.now() < std::chrono::minutes(5));
    CHECK(outcome.retry_at - h.clock.now() > std::chrono::minutes(4));
  }
  SECTION("after the tenth attempt it gives up") {
    Harness h;
    h.client->script({answer(Kind::kTransient, 500)});
    const auto id = h.store.add_outbox(request(7), h.clock.now(), core::MessageKind::kRequest, 9);
    h.dispatcher->run_once();
    const auto outcome = h.last_outcome(id);
    CHECK(outcome.status == Status::kFailed);
    CHECK(outcome.reason.find("gave up after 10 attempts") != std::string::npos);
  }
}

TEST_CASE("unparsable HTML is resent at once as plain text", "[dispatcher]") {
  Harness h;
  h.client->script({answer(Kind::kParseEntities, 400, "can't parse entities")});
  const auto id = h.store.add_outbox(request(7), h.clock.now());
  h.dispatcher->run_once();
  const auto sent = h.client->sent();
  REQUIRE(sent.size() == 2);
  const auto& second = std::get<core::SendText>(sent[1]);
  CHECK_FALSE(second.html);
  CHECK(second.text == "How was it, Ann & Bob?");
  CHECK(second.keyboard.size() == 1);
  CHECK(h.last_outcome(id).status == Status::kSent);

  SECTION("and the plain-text answer is classified like any other") {
    Harness h2;
    h2.client->script({answer(Kind::kParseEntities), answer(Kind::kForbidden, 403)});
    const auto id2 = h2.store.add_outbox(request(8), h2.clock.now());
    h2.dispatcher->run_once();
    CHECK(h2.last_outcome(id2).status == Status::kUnreachable);
  }
}

TEST_CASE("a refused keyboard is resent at once without it", "[dispatcher]") {
  Harness h;
  h.client->script({answer(Kind::kBadMarkup, 400, "BUTTON_DATA_INVALID")});
  const auto id = h.store.add_outbox(request(7), h.clock.now());
  h.dispatcher->run_once();
  const auto sent = h.client->sent();
  REQUIRE(sent.size() == 2);
  CHECK(std::get<core::SendText>(sent[0]).keyboard.size() == 1);
  CHECK(std::get<core::SendText>(sent[1]).keyboard.empty());
  CHECK(std::get<core::SendText>(sent[1]).html);
  CHECK(h.last_outcome(id).status == Status::kSent);

  SECTION("a second refusal is a failure, not a loop") {
    Harness h2;
    h2.client->script({answer(Kind::kBadMarkup), answer(Kind::kBadMarkup)});
    const auto id2 = h2.store.add_outbox(request(8), h2.clock.now());
    h2.dispatcher->run_once();
    CHECK(h2.client->send_count() == 2);
    CHECK(h2.last_outcome(id2).status == Status::kFailed);
  }
}

TEST_CASE("403 marks the chat unreachable and other refusals fail with a reason", "[dispatcher]") {
  Harness h;
  h.client->script({answer(Kind::kForbidden, 403, "bot was blocked by the user"),
                    answer(Kind::kRejected, 400, "chat not found")});
  h.client->script({answer(Kind::kMigrated, 400, "group upgraded, new chat not given")});
  const auto a = h.store.add_outbox(request(1), h.clock.now());
  const auto b = h.store.add_outbox(request(2), h.clock.now());
  const auto c = h.store.add_outbox(request(3), h.clock.now());
  CHECK(h.dispatcher->run_once() == 3);
  CHECK(h.last_outcome(a).status == Status::kUnreachable);
  CHECK(h.last_outcome(b).status == Status::kFailed);
  CHECK(h.last_outcome(b).reason.find("chat not found") != std::string::npos);
  CHECK(h.last_outcome(c).status == Status::kFailed);
  CHECK(h.last_outcome(c).reason.find("unknown chat") != std::string::npos);
  CHECK(h.client->send_count() == 3);
}

TEST_CASE("notify wakes the dispatcher thread for a new message", "[dispatcher]") {
  Harness h;
  delivery::DispatcherSettings slow;
  slow.idle_wait = std::chrono::minutes(1);  // only notify() can make it look again
  auto owned = std::make_unique<testing::FakePlatformClient>();
  auto* client = owned.get();
  delivery::Dispatcher dispatcher(h.store, h.clock, std::move(owned), slow, [] { return 0.5; });
  dispatcher.start();
  // After its first (empty) pass the thread sleeps for a minute unless notified.
  REQUIRE(eventually([&] { return h.store.claim_count() >= 1; }));
  h.store.add_outbox(request(7), h.clock.now());
  dispatcher.notify();
  CHECK(eventually([&] { return client->send_count() == 1; }));
  dispatcher.stop();
}

TEST_CASE("a new message wakes the dispatcher only if it is due before its next look",
          "[dispatcher]") {
  Harness h;
  delivery::DispatcherSettings slow;
  slow.idle_wait = std::chrono::minutes(1);
  auto owned = std::make_unique<testing::FakePlatformClient>();
  auto* client = owned.get();
  delivery::Dispatcher dispatcher(h.store, h.clock, std::move(owned), slow, [] { return 0.5; });
  dispatcher.start();
  // Once the thread sleeps (for a minute), a row due in ten minutes does not wake it...
  const core::Time later = h.clock.now() + std::chrono::minutes(10);
  REQUIRE(eventually([&] { return !dispatcher.notify(later); }));
  const int looks = h.store.claim_count();
  h.store.add_outbox(request(7), h.clock.now());
  CHECK_FALSE(dispatcher.notify(later));
  CHECK(h.store.claim_count() == looks);
  // ...and one due now does.
  CHECK(dispatcher.notify(h.clock.now()));
  CHECK(eventually([&] { return client->send_count() == 1; }));
  dispatcher.stop();
}

TEST_CASE("while the bot is out of its rate budget new messages do not wake the dispatcher",
          "[dispatcher]") {
  Harness h;
  delivery::DispatcherSettings one_a_second;
  one_a_second.rate.per_bot = 1;
  auto owned = std::make_unique<testing::FakePlatformClient>();
  auto* client = owned.get();
  delivery::Dispatcher dispatcher(h.store, h.clock, std::move(owned), one_a_second,
                                  [] { return 0.5; });
  h.store.add_outbox(request(7), h.clock.now());
  dispatcher.start();
  REQUIRE(eventually([&] { return client->send_count() == 1; }));
  // The budget is spent until the clock moves on: a new row, due now, leaves the thread
  // asleep instead of making it read the outbox for each row.
  REQUIRE(eventually([&] { return !dispatcher.notify(h.clock.now()); }));
  h.store.add_outbox(request(8), h.clock.now());
  CHECK_FALSE(dispatcher.notify(h.clock.now()));
  h.clock.advance(std::chrono::seconds(2));  // past the one-second window
  CHECK(eventually([&] { return client->send_count() == 2; }));
  dispatcher.stop();
}

TEST_CASE("stop joins promptly while the dispatcher is idle", "[dispatcher]") {
  Harness h;
  h.dispatcher->start();
  const auto before = std::chrono::steady_clock::now();
  h.dispatcher->stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(2));
  h.dispatcher->stop();  // idempotent
}

namespace {

// A platform whose sends hang until cancel(): a Bot API that stopped answering.
class HangingClient final : public testing::FakePlatformClient {
 public:
  platform::SendResult send(const core::MessageBody&) override {
    std::unique_lock lock(mu_);
    in_send_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return cancelled_; });
    return answer(Kind::kUnknown, 0, "network error: aborted (cancelled)");
  }
  void cancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    changed_.notify_all();
  }
  bool wait_in_send() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [this] { return in_send_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool in_send_ = false;
  bool cancelled_ = false;
};

}  // namespace

TEST_CASE("stop cancels a send that hangs past the grace period and records it in doubt",
          "[dispatcher]") {
  testing::FakeStore store;
  testing::FakeClock clock;
  auto owned = std::make_unique<HangingClient>();
  HangingClient* client = owned.get();
  delivery::DispatcherSettings settings;
  settings.stop_grace = std::chrono::milliseconds(50);
  delivery::Dispatcher dispatcher(store, clock, std::move(owned), settings);
  const auto prompt = store.add_outbox(request(7), clock.now(), core::MessageKind::kCommentPrompt);

  dispatcher.start();
  REQUIRE(client->wait_in_send());
  dispatcher.stop();  // returns only because the hanging send was cancelled

  const auto row = store.outbox_row(prompt);
  REQUIRE(row);
  REQUIRE(row->outcomes.size() == 1);
  CHECK(row->outcomes[0].status == Status::kRetry);  // a comment prompt: at least once
  CHECK(delivery::DeliveryCounters::load(dispatcher.counters().in_doubt_resent) == 1);
}
