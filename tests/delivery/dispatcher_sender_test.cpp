// Several dispatchers on one outbox: only the holder of the sender lease sends, a clean
// stop hands the lease over at once, and a dead sender's lease passes on when it ends.
#include "delivery/dispatcher_harness.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

// A second instance on the harness's store and clock.
struct SecondInstance {
  explicit SecondInstance(DispatcherHarness& h) {
    auto owned = std::make_unique<FakePlatformClient>();
    client = owned.get();
    delivery::DispatcherSettings settings;
    settings.instance_id = "web.2";
    dispatcher = std::make_unique<delivery::Dispatcher>(h.store, h.clock, std::move(owned),
                                                        settings, [] { return 0.5; });
  }
  FakePlatformClient* client = nullptr;
  std::unique_ptr<delivery::Dispatcher> dispatcher;
};

}  // namespace

TEST_CASE("only the instance holding the sender lease sends", "[dispatcher][lease]") {
  DispatcherHarness h;
  SecondInstance second(h);
  h.store.add_outbox(request(1), h.clock.now());
  h.store.add_outbox(request(2), h.clock.now());

  CHECK(h.dispatcher->run_once() == 2);  // the first to try becomes the sender
  CHECK(h.dispatcher->sending_instance(h.clock.now()));
  h.store.add_outbox(request(3), h.clock.now());
  CHECK(second.dispatcher->run_once() == 0);
  CHECK_FALSE(second.dispatcher->sending_instance(h.clock.now()));
  CHECK(second.client->sent().empty());
  CHECK(h.dispatcher->run_once() == 1);
  CHECK(h.client->sent().size() == 3);

  SECTION("a clean stop hands the lease over at once") {
    h.dispatcher->stop();
    h.store.add_outbox(request(4), h.clock.now());
    h.clock.advance(std::chrono::seconds(6));  // the second tries again every 5 s
    CHECK(second.dispatcher->run_once() == 1);
    CHECK(second.client->sent().size() == 1);
  }
  SECTION("a sender that stops renewing loses the lease when it ends") {
    h.store.add_outbox(request(5), h.clock.now());
    h.clock.advance(std::chrono::seconds(10));
    CHECK(second.dispatcher->run_once() == 0);  // still held
    h.clock.advance(std::chrono::seconds(11));  // 21 s: ended
    CHECK(second.dispatcher->run_once() == 1);
    CHECK(second.dispatcher->sending_instance(h.clock.now()));
    CHECK_FALSE(h.dispatcher->sending_instance(h.clock.now()));
    CHECK(h.dispatcher->run_once() == 0);  // and cannot take it back while it is held
  }
}
