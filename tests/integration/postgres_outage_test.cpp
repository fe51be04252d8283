// reviewbot when its PostgreSQL goes away and comes back: inputs are refused with 503 and
// Retry-After (never acknowledged unsaved, never left hanging), /readyz fails while
// /healthz answers, and once the server is back the redelivered input is applied by the
// same process. The test runs its own cluster (scripts/pg_cluster) so it can stop it.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"
#include "store/pg_test_server.h"

using nlohmann::json;
using namespace reviewbot::testing;

namespace {

// A cluster of its own, removed at destruction.
class OwnCluster {
 public:
  OwnCluster() : dir_(temp_.path() + "/pg") {
    // The server runs as the postgres user when the test runs as root: let it through.
    std::filesystem::permissions(temp_.path(), std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    run("start");
    std::ifstream in(dir_ + "/url");
    std::getline(in, url_);
    REQUIRE_FALSE(url_.empty());
  }
  ~OwnCluster() { (void)std::system((script() + " stop " + dir_ + " >/dev/null 2>&1").c_str()); }
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;

  void run(const std::string& command) {
    INFO("scripts/pg_cluster " << command);
    REQUIRE(std::system((script() + " " + command + " " + dir_ + " >/dev/null 2>&1").c_str()) == 0);
  }
  const std::string& url() const { return url_; }

 private:
  static std::string script() { return REVIEWBOT_PG_CLUSTER_SCRIPT; }
  TempDir temp_;
  std::string dir_;
  std::string url_;
};

}  // namespace

TEST_CASE("a PostgreSQL outage answers 503 with Retry-After, then the redelivery is applied",
          "[e2e][postgres][outage]") {
  if (!test_server()) return;  // no PostgreSQL on this machine (fails in CI)
  OwnCluster cluster;
  FakeBotApi api;
  ReviewbotProcess bot({{"TELEGRAM_BOT_TOKEN", api.token()},
                        {"TELEGRAM_API_URL", api.url()},
                        {"ADMIN_TOKEN", "admin"},
                        {"DATABASE_URL", cluster.url()},
                        {"REMINDER_AFTER", "0"}});
  constexpr int64_t kAnn = 8001;
  REQUIRE(bot.post_update(text_message(1, kAnn, "hello"))->status == 200);
  auto client = bot.client();
  REQUIRE(client.Get("/readyz")->status == 200);

  cluster.run("pause");
  const json thanks = text_message(2, kAnn, "thank you so much!");
  auto refused = bot.post_update(thanks);  // the client gives up after 10 s
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->has_header("Retry-After"));
  auto event = bot.post_event(sale_event("evt-outage", 8002), "admin");
  REQUIRE(event);
  CHECK(event->status == 503);
  CHECK(client.Get("/readyz")->status == 503);
  CHECK(client.Get("/healthz")->status == 200);
  CHECK(api.messages_to(kAnn).empty());

  cluster.run("resume");
  REQUIRE(eventually([&] { return bot.post_update(thanks)->status == 200; }));
  CHECK(api.wait_for_messages(kAnn, 1).size() == 1);  // the thank-you flow's request
  CHECK(bot.post_update(thanks)->status == 200);      // a duplicate now: nothing more
  CHECK(client.Get("/readyz")->status == 200);
}
