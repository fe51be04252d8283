// Graceful shutdown and crash safety of the real reviewbot process: SIGTERM drains and
// exits cleanly; SIGKILL at any moment loses no acknowledged input and never repeats a
// review request, and a restart on the same database sends what was pending. The fake Bot API
// outlives every process, so it sees the sends of all of them.
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;

namespace {

constexpr const char* kAdmin = "admin-secret-token";

std::map<std::string, std::string> bot_env(const FakeBotApi& api) {
  return {{"TELEGRAM_BOT_TOKEN", api.token()},
          {"TELEGRAM_API_URL", api.url()},
          {"ADMIN_TOKEN", kAdmin},
          {"LOG_LEVEL", "info"}};
}

int post_status(ReviewbotProcess& bot, const json& event) {
  auto res = bot.post_event(event, kAdmin);
  REQUIRE(res);
  INFO(res->body);
  return res->status;
}

int64_t requests_sent(ReviewbotProcess& bot) {
  auto res = bot.get("/v1/stats", kAdmin);
  if (!res || res->status != 200) return -1;
  return json::parse(res->body)["requests_sent"].get<int64_t>();
}

// sendMessage calls per chat, over everything the fake has seen.
std::map<int64_t, int> sends_per_chat(const FakeBotApi& api) {
  std::map<int64_t, int> out;
  for (const auto& call : api.calls("sendMessage")) ++out[call.params.value("chat_id", 0LL)];
  return out;
}

// Review requests not yet settled: pending, or claimed by a process that was killed.
// (Each sale also schedules a reminder for a day later; those stay pending.)
constexpr const char* kPendingRequests =
    "SELECT COUNT(*) FROM outbox WHERE kind = 'request' AND (status = 'pending' OR claimed_by IS "
    "NOT NULL)";

// The first column of the first row of `sql`, read from the service's database file.
int64_t db_int(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, sql);
  return s.executeStep() ? s.getColumn(0).getInt64() : -1;
}

// Chats whose review request was in flight at a kill and, by the at-most-once policy, was
// not sent again by the next start.
std::set<int64_t> requests_not_resent(const std::string& db_path) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db,
                      "SELECT chat_id FROM outbox WHERE kind = 'request' AND status = 'failed' "
                      "AND last_error LIKE 'outcome unknown after restart; not resent%'");
  std::set<int64_t> chats;
  while (s.executeStep()) chats.insert(s.getColumn(0).getInt64());
  return chats;
}

std::size_t send_count(const std::vector<ApiCall>& calls) {
  std::size_t n = 0;
  for (const auto& c : calls) n += c.method == "sendMessage" ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("SIGTERM stops reviewbot within 10 s with exit 0 and a database the next start reuses",
          "[shutdown]") {
  FakeBotApi api;
  TempDir data;
  {
    ReviewbotProcess bot(bot_env(api), data.path());
    for (int i = 0; i < 5; ++i) {
      REQUIRE(post_status(bot, sale_event("evt-" + std::to_string(i), 3000 + i)) == 202);
    }
    REQUIRE(eventually([&] { return requests_sent(bot) == 5; }));

    const auto before = std::chrono::steady_clock::now();
    const int code = bot.stop();
    const auto took = std::chrono::steady_clock::now() - before;
    INFO(bot.log());
    CHECK(code == 0);
    CHECK(took < std::chrono::seconds(10));
    const std::string log = bot.log();
    CHECK(log.find("shutdown phase done") != std::string::npos);
    CHECK(log.find("close database") != std::string::npos);
    CHECK(log.find("\"stopped\"") != std::string::npos);
    std::fprintf(stderr, "shutdown: SIGTERM to exit %lld ms\n",
                 static_cast<long long>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  }

  ReviewbotProcess again(bot_env(api), data.path());
  CHECK(requests_sent(again) == 5);
  for (int i = 0; i < 5; ++i) {
    auto res = again.post_event(sale_event("evt-" + std::to_string(i), 3000 + i), kAdmin);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body)["status"] == "duplicate");
  }
  CHECK(sends_per_chat(api).size() == 5);
  CHECK(again.stop() == 0);
}

TEST_CASE("after SIGTERM an event is refused with 503 or a closed connection, never acked unsaved",
          "[shutdown]") {
  FakeBotApi api;
  TempDir data;
  auto bot = std::make_unique<ReviewbotProcess>(bot_env(api), data.path());

  // A till posting sales on a kept-alive connection while the process shuts down.
  struct Outcome {
    json event;
    int status;  // 0: no answer (refused or closed)
    bool retry_after;
  };
  std::vector<Outcome> outcomes;
  std::atomic<int> acked{0};
  std::atomic<bool> done{false};
  const int port = bot->port();
  std::thread till([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_keep_alive(true);
    c.set_connection_timeout(std::chrono::seconds(2));
    c.set_read_timeout(std::chrono::seconds(10));
    const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kAdmin}};
    int misses_in_a_row = 0;
    for (int i = 0; !done && misses_in_a_row < 20; ++i) {
      const json event = sale_event("evt-drain-" + std::to_string(i), 4000 + i);
      auto res = c.Post("/v1/events", auth, event.dump(), "application/json");
      if (res) {
        outcomes.push_back({event, res->status, res->has_header("Retry-After")});
        if (res->status == 202) ++acked;
        misses_in_a_row = 0;
      } else {
        outcomes.push_back({event, 0, false});
        ++misses_in_a_row;
      }
    }
  });
  REQUIRE(eventually([&] { return acked >= 20; }));
  const int code = bot->stop();
  done = true;
  till.join();
  CHECK(code == 0);

  std::map<int, int> by_status;
  for (const auto& o : outcomes) ++by_status[o.status];
  std::fprintf(stderr, "drain: %zu posts:", outcomes.size());
  for (const auto& [status, n] : by_status) std::fprintf(stderr, " %d×%d", status, n);
  std::fprintf(stderr, " (0 = refused/closed)\n");

  bot = std::make_unique<ReviewbotProcess>(bot_env(api), data.path());
  for (const auto& o : outcomes) {
    INFO(o.event["id"] << " answered " << o.status);
    CHECK((o.status == 202 || o.status == 503 || o.status == 0));
    if (o.status == 503) CHECK(o.retry_after);
    if (o.status == 202) {
      // Acknowledged, so committed: the restarted process knows the id.
      auto res = bot->post_event(o.event, kAdmin);
      REQUIRE(res);
      CHECK(res->status == 200);
      CHECK(json::parse(res->body)["status"] == "duplicate");
    }
  }
}

TEST_CASE("kill -9 at any moment loses no acknowledged sale and never repeats a review request",
          "[shutdown][crash]") {
  FakeBotApi api;
  TempDir data;
  const std::string db_path = data.path() + "/reviewbot.db";
  constexpr int kChatsPerRound = 50;
  // When to kill each round: once this many of the round's requests reached the Bot API
  // (0: right after the last 202, before or while the dispatcher starts its batch).
  const std::vector<std::size_t> kill_after_sends = {0, 5, 20, 40};
  std::vector<int64_t> chats;

  for (std::size_t round = 0; round < kill_after_sends.size(); ++round) {
    ReviewbotProcess bot(bot_env(api), data.path());
    const std::size_t sent_before = send_count(api.calls());
    for (int i = 0; i < kChatsPerRound; ++i) {
      const int64_t chat = 10000 * static_cast<int64_t>(round + 1) + i;
      chats.push_back(chat);
      REQUIRE(post_status(bot, sale_event("evt-" + std::to_string(chat), chat)) == 202);
    }
    const std::size_t target = sent_before + kill_after_sends[round];
    if (kill_after_sends[round] > 0) {
      api.wait_for([&](const std::vector<ApiCall>& calls) { return send_count(calls) >= target; });
    }
    bot.kill();
  }

  // A last start settles the sends the kills left in flight and sends what is pending.
  ReviewbotProcess bot(bot_env(api), data.path());
  REQUIRE(
      eventually([&] { return db_int(db_path, kPendingRequests) == 0; }, std::chrono::seconds(30)));
  const auto total = static_cast<int64_t>(chats.size());
  const std::set<int64_t> not_resent = requests_not_resent(db_path);
  CHECK(requests_sent(bot) + static_cast<int64_t>(not_resent.size()) == total);
  CHECK(bot.stop() == 0);

  // Only review requests are sent here; all of them are at most once.
  const auto sends = sends_per_chat(api);
  int lost = 0;
  int repeated = 0;
  for (const int64_t chat : chats) {
    const auto it = sends.find(chat);
    const bool delivered = it != sends.end();
    if (delivered) repeated += it->second - 1;
    // Not delivered is acceptable only when recorded as not resent after a restart.
    if (!delivered && not_resent.count(chat) == 0) ++lost;
  }
  std::fprintf(stderr,
               "crash: %zu kills, %lld sales, %d lost, %d repeated requests, %zu in doubt at a "
               "restart and not resent\n",
               kill_after_sends.size(), static_cast<long long>(total), lost, repeated,
               not_resent.size());
  const std::set<int64_t> sold(chats.begin(), chats.end());
  std::size_t strays = 0;  // messages to a chat nobody sold to
  for (const auto& [chat, n] : sends) strays += sold.count(chat) == 0 ? 1 : 0;
  CHECK(strays == 0);
  CHECK(lost == 0);
  CHECK(repeated == 0);
  // A kill leaves at most the one send in flight that the dispatcher was making.
  CHECK(not_resent.size() <= kill_after_sends.size());
}
