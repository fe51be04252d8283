#include "reviewbot/platform/telegram/update_poller.h"

#include <catch2/catch.hpp>

#include "fakes/fake_platform_client.h"

using namespace reviewbot;
using platform::RawUpdate;
using Status = store::ProcessResult::Status;

namespace {

RawUpdate message_update(int64_t update_id) {
  return {update_id, R"({"update_id":)" + std::to_string(update_id) +
                         R"(,"message":{"message_id":1,"chat":{"id":7,"type":"private"},)"
                         R"("from":{"id":7,"first_name":"Ann"},"text":"thanks!"}})"};
}

struct Poller {
  testing::FakePlatformClient* client = nullptr;
  std::vector<std::string> accepted;
  std::vector<Status> answers;  // answer for each accept, then kApplied
  std::unique_ptr<platform::telegram::UpdatePoller> poller;

  Poller() {
    auto fake = std::make_unique<testing::FakePlatformClient>();
    client = fake.get();
    poller = std::make_unique<platform::telegram::UpdatePoller>(
        std::move(fake), [this](const store::InboundKey& key, const core::Event&) {
          accepted.push_back(key.id);
          store::ProcessResult r;
          r.status =
              accepted.size() <= answers.size() ? answers[accepted.size() - 1] : Status::kApplied;
          return r;
        });
  }
};

}  // namespace

TEST_CASE("the poller advances the offset only past committed updates", "[poller]") {
  Poller p;
  SECTION("committed updates move the offset past the last one") {
    p.client->script_updates(std::vector<RawUpdate>{message_update(10), message_update(11)});
    CHECK(p.poller->poll_once());
    CHECK(p.poller->poll_once());
    CHECK(p.accepted == std::vector<std::string>{"10", "11"});
    CHECK(p.client->polled_offsets() == std::vector<int64_t>{0, 12});
  }
  SECTION("an update the store could not commit is fetched again") {
    p.answers = {Status::kApplied, Status::kUnavailable};
    p.client->script_updates(std::vector<RawUpdate>{message_update(10), message_update(11)});
    p.client->script_updates(std::vector<RawUpdate>{message_update(11)});
    CHECK_FALSE(p.poller->poll_once());
    CHECK(p.poller->poll_once());
    CHECK(p.client->polled_offsets() == std::vector<int64_t>{0, 11});
    CHECK(p.accepted == std::vector<std::string>{"10", "11", "11"});
  }
  SECTION("a duplicate counts as committed") {
    p.answers = {Status::kDuplicate};
    p.client->script_updates(std::vector<RawUpdate>{message_update(5)});
    CHECK(p.poller->poll_once());
    CHECK(p.poller->poll_once());
    CHECK(p.client->polled_offsets().back() == 6);
  }
  SECTION("unreadable and ignored updates are skipped, not retried forever") {
    p.client->script_updates(
        std::vector<RawUpdate>{{20, "not json"}, {21, R"({"update_id":21,"poll":{}})"}});
    CHECK(p.poller->poll_once());
    CHECK(p.poller->poll_once());
    CHECK(p.accepted.empty());
    CHECK(p.client->polled_offsets().back() == 22);
  }
  SECTION("a failed getUpdates asks for a back-off") {
    p.client->script_updates(core::Error{"getUpdates failed (HTTP 502)"});
    CHECK_FALSE(p.poller->poll_once());
  }
}
