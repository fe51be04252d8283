// A Telegram Bot API stand-in for integration tests: an httplib server on 127.0.0.1 that
// answers /bot<token>/<method> like Telegram, records every call, and can be told to fail
// a chat (403 as if the customer blocked the bot, or 400 with migrate_to_chat_id). Thread-safe: the
// server thread records, the test thread reads and waits.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace reviewbot::testing {

struct ApiCall {
  std::string method;
  nlohmann::json params;
  std::chrono::steady_clock::time_point at{};  // when the call arrived
};

class FakeBotApi {
 public:
  explicit FakeBotApi(std::string token = "123456:TEST-token");
  ~FakeBotApi();
  FakeBotApi(const FakeBotApi&) = delete;
  FakeBotApi& operator=(const FakeBotApi&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& token() const { return token_; }

  // Every later call for this chat answers 403 "bot was blocked by the user".
  void block_chat(int64_t chat_id);
  // While failing, every call of `method` answers 502 (the API down for it).
  void set_failing(const std::string& method, bool failing);
  // Every later sendMessage to this chat answers 400 "message is too long": refused for
  // good, never shown.
  void refuse_chat(int64_t chat_id);
  // Every later call for old_chat answers 400 with parameters.migrate_to_chat_id = new_chat,
  // as for a group upgraded to a supergroup.
  void migrate_chat(int64_t old_chat, int64_t new_chat);

  // Every later call for this chat hangs, unrecorded, until release_chat (then it answers
  // 502, as if it never reached the chat), as a platform that stalls mid-send.
  void hang_chat(int64_t chat_id);
  void release_chat(int64_t chat_id);
  // How many calls are hanging now.
  int hanging() const;

  std::vector<ApiCall> calls() const;
  std::vector<ApiCall> calls(const std::string& method) const;
  // sendMessage calls to one chat, in order.
  std::vector<ApiCall> messages_to(int64_t chat_id) const;

  // Waits until pred(calls()) holds or the deadline passes; returns whether it held.
  bool wait_for(const std::function<bool(const std::vector<ApiCall>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Waits until at least n sendMessage calls went to chat_id; returns them.
  std::vector<ApiCall> wait_for_messages(
      int64_t chat_id, std::size_t n,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  void handle(const httplib::Request& req, httplib::Response& res);

  std::string token_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;  // guards everything below
  mutable std::condition_variable changed_;
  std::vector<ApiCall> calls_;
  std::set<int64_t> blocked_;
  std::set<int64_t> refused_;
  std::set<std::string> failing_methods_;
  std::set<int64_t> hung_chats_;
  int hanging_ = 0;
  bool stopping_ = false;
  std::map<int64_t, int64_t> migrated_;
  int64_t next_message_id_ = 100;
};

}  // namespace reviewbot::testing
