// The real reviewbot process under traffic an attacker on the open internet can send with
// no credentials: hundreds of connections that send nothing, requests trickled a byte at a
// time, and a /metrics request asking for thousands of ranges.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/raw_socket.h"
#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

using nlohmann::json;
using namespace reviewbot::testing;
using namespace std::chrono_literals;

namespace {

constexpr int kIdle = 300;
constexpr int kTrickling = 40;
constexpr auto kHold = 15s;

// Keeps `idle` connections that send nothing and `trickling` ones that send a request a
// byte every 500 ms, reopening any the server closes, until stopped.
class Attacker {
 public:
  Attacker(int port, int idle, int trickling) : port_(port) {
    for (int i = 0; i < idle; ++i) idle_.push_back(std::make_unique<RawSocket>(port_));
    for (int i = 0; i < trickling; ++i) trickling_.push_back(open_trickler(i));
    thread_ = std::thread([this] { run(); });
  }
  ~Attacker() {
    stop_ = true;
    thread_.join();
  }
  int reopened() const { return reopened_; }
  int opened_ok() const {
    int n = 0;
    for (const auto& s : idle_) n += s->connected() ? 1 : 0;
    return n;
  }

 private:
  std::unique_ptr<RawSocket> open_trickler(int i) {
    auto s = std::make_unique<RawSocket>(port_);
    // Half of them stall in the headers, half in a body they promise and never finish.
    s->send(i % 2 == 0 ? "GET /healthz HTTP/1.1\r\n"
                       : "POST /v1/events HTTP/1.1\r\nContent-Length: 100000\r\n\r\n{");
    return s;
  }

  void run() {
    while (!stop_) {
      for (std::size_t i = 0; i < trickling_.size(); ++i) {
        if (!trickling_[i]->send(i % 2 == 0 ? "X" : "a")) {
          trickling_[i] = open_trickler(static_cast<int>(i));
          ++reopened_;
        }
      }
      for (auto& s : idle_) {
        if (s->closed_within(0ms)) {
          s = std::make_unique<RawSocket>(port_);
          ++reopened_;
        }
      }
      std::this_thread::sleep_for(500ms);
    }
  }

  const int port_;
  std::vector<std::unique_ptr<RawSocket>> idle_;
  std::vector<std::unique_ptr<RawSocket>> trickling_;
  std::atomic<bool> stop_{false};
  std::atomic<int> reopened_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("300 idle and 40 trickling connections leave health and webhooks answered",
          "[e2e][hostile]") {
  FakeBotApi api;
  ReviewbotProcess bot({{"TELEGRAM_BOT_TOKEN", api.token()},
                        {"TELEGRAM_API_URL", api.url()},
                        {"TELEGRAM_WEBHOOK_SECRET", "hook-secret"}});
  Attacker attacker(bot.port(), kIdle, kTrickling);
  REQUIRE(attacker.opened_ok() == kIdle);

  httplib::Client c("127.0.0.1", bot.port());
  c.set_connection_timeout(3s);
  c.set_read_timeout(3s);
  c.set_write_timeout(3s);
  const auto until = std::chrono::steady_clock::now() + kHold;
  int64_t update_id = 1;
  int rounds = 0;
  while (std::chrono::steady_clock::now() < until) {
    INFO("round " << rounds);
    auto health = c.Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
    ++update_id;
    auto hook =
        c.Post("/webhook/telegram", {{"X-Telegram-Bot-Api-Secret-Token", "hook-secret"}},
               text_message(update_id, 5000 + update_id, "hello").dump(), "application/json");
    REQUIRE(hook);
    CHECK(hook->status == 200);
    ++rounds;
    std::this_thread::sleep_for(500ms);
  }
  CHECK(rounds >= 10);
  // The server cut off connections that sent nothing or too slowly (the attacker had to
  // reopen them), rather than keeping them all.
  CHECK(attacker.reopened() > 0);
}

TEST_CASE("/metrics with 2,000 ranges answers the page once, not 2,000 times", "[e2e][hostile]") {
  FakeBotApi api;
  ReviewbotProcess bot({{"TELEGRAM_BOT_TOKEN", api.token()}, {"TELEGRAM_API_URL", api.url()}});
  auto plain = bot.client().Get("/metrics");
  REQUIRE(plain);
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 2000; ++i) ranges += ",0-";
  auto res = bot.client().Get("/metrics", {{"Range", ranges}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.size() < 1024 * 1024);
  CHECK(res->body.size() < 2 * plain->body.size());
}
