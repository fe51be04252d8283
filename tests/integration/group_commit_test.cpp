// Group commit end to end: many webhook connections at once make reviewbot commit updates
// in batches, and a SIGKILL while batches are committing loses none it acknowledged: after
// a restart on the same database every acknowledged update is stored, with the customer
// and conversation it created, and sending it again changes nothing.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "integration/child_process.h"
#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;
using std::chrono::milliseconds;

namespace {

constexpr const char* kSecret = "group-commit-secret";
constexpr int kSenders = 24;

// kSenders threads post "thank you" updates, each from its own new chat, as fast as the
// service answers, until stopped; they remember every update id answered 200.
class Senders {
 public:
  explicit Senders(int port) {
    warm_up_http_client(port);
    for (int s = 0; s < kSenders; ++s) threads_.emplace_back([this, port, s] { run(port, s); });
  }
  ~Senders() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::set<int64_t> acked() const {
    std::lock_guard lock(mutex_);
    return acked_;
  }
  std::size_t acked_count() const {
    std::lock_guard lock(mutex_);
    return acked_.size();
  }

 private:
  void run(int port, int sender) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(std::chrono::seconds(1));
    c.set_read_timeout(std::chrono::seconds(5));
    for (int64_t k = 0; !stop_; ++k) {
      const int64_t update_id = 1'000'000 + sender * 100'000 + k;
      const json update = text_message(update_id, 7'000'000 + update_id, "Thank you so much!");
      auto res = c.Post("/webhook/telegram", {{"X-Telegram-Bot-Api-Secret-Token", kSecret}},
                        update.dump(), "application/json");
      if (!res) return;  // the process is gone
      if (res->status == 200) {
        std::lock_guard lock(mutex_);
        acked_.insert(update_id);
      }
    }
  }

  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::set<int64_t> acked_;
};

std::set<int64_t> stored_updates(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT update_id FROM processed_updates");
  std::set<int64_t> ids;
  while (q.executeStep()) ids.insert(q.getColumn(0).getInt64());
  return ids;
}

int64_t count(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("concurrent webhooks commit in batches, and kill -9 mid-batch loses no acked update",
          "[e2e][crash][batch]") {
  FakeBotApi api;
  TempDir data;
  const std::map<std::string, std::string> env = {{"TELEGRAM_BOT_TOKEN", api.token()},
                                                  {"TELEGRAM_API_URL", api.url()},
                                                  {"TELEGRAM_WEBHOOK_SECRET", kSecret},
                                                  {"ADMIN_TOKEN", "admin-token"}};
  std::mt19937 rng(std::random_device{}());
  const int run_ms = std::uniform_int_distribution<int>(300, 1500)(rng);
  INFO("killed after " << run_ms << " ms of load");
  std::set<int64_t> acked;
  std::string db_path;
  {
    ReviewbotProcess bot(env, data.path());
    db_path = bot.database_path();
    Senders senders(bot.port());
    REQUIRE(eventually([&] { return senders.acked_count() >= 200; }, std::chrono::seconds(20)));
    // Inputs arrive faster than one commit each: batches hold more than one.
    auto res = bot.client().Get("/metrics");
    REQUIRE(res);
    const double batches = metric_sample(res->body, "reviewbot_input_batches_total");
    const double inputs = metric_sample(res->body, "reviewbot_batched_inputs_total");
    INFO(batches << " batches of " << inputs << " inputs");
    CHECK(batches > 0);
    CHECK(inputs > batches);
    std::this_thread::sleep_for(milliseconds(run_ms));
    bot.kill();  // while the senders keep posting: batches are being committed
    senders.stop();
    acked = senders.acked();
  }
  REQUIRE(acked.size() >= 200);

  // Everything acknowledged is there, and each thank-you made its customer and request.
  const std::set<int64_t> stored = stored_updates(db_path);
  std::vector<int64_t> lost;
  for (const int64_t id : acked) {
    if (!stored.count(id)) lost.push_back(id);
  }
  INFO(acked.size() << " acknowledged, " << stored.size() << " stored");
  CHECK(lost.empty());
  CHECK(count(db_path, "SELECT COUNT(*) FROM customers") == static_cast<int64_t>(stored.size()));
  CHECK(count(db_path, "SELECT COUNT(*) FROM conversations") ==
        static_cast<int64_t>(stored.size()));

  // After a restart, sending an acknowledged update again changes nothing.
  ReviewbotProcess again(env, data.path());
  const int64_t id = *acked.begin();
  auto res = again.post_update(text_message(id, 7'000'000 + id, "Thank you so much!"), kSecret);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(count(db_path, "SELECT COUNT(*) FROM conversations") ==
        static_cast<int64_t>(stored.size()));
}
