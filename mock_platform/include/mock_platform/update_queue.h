// The bot's pending updates: assigns increasing update_ids, holds updates until getUpdates
// confirms them (offset) or the webhook acknowledges them, and hands the webhook one update
// per chat at a time so each chat's updates arrive in order. Thread-safe; blocking calls
// wake on push, on completion and on wake_all().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mock_platform {

class UpdateQueue {
 public:
  using Clock = std::chrono::steady_clock;

  struct Update {
    std::int64_t update_id = 0;
    std::int64_t chat_key = 0;  // updates with the same key are delivered in order
    int attempt = 0;            // 1 on the first webhook delivery
    nlohmann::json body;        // the whole Update object, update_id included
  };

  // `type` is the Update field ("message", "callback_query", …) holding `payload`.
  // Returns the new update_id, or nullopt when allowed_updates excludes `type`
  // (Telegram drops such updates instead of storing them).
  std::optional<std::int64_t> push(const std::string& type, std::int64_t chat_key,
                                   nlohmann::json payload);

  // An empty list restores the default (every type this simulator produces).
  void set_allowed_updates(std::vector<std::string> types);
  std::vector<std::string> allowed_updates() const;

  // getUpdates: forgets updates below `offset` (a negative offset keeps only the last
  // -offset updates), then returns up to `limit` of the rest, waiting up to `timeout`
  // for the first one. Returns early (possibly empty) after shutdown().
  std::vector<nlohmann::json> poll(std::int64_t offset, std::size_t limit,
                                   std::chrono::milliseconds timeout);

  // Webhook: blocks until an update is deliverable (the oldest of its chat, not in flight,
  // retry time reached) and marks it in flight; nullopt once `stop` is set and wake_all()
  // was called, or after shutdown().
  std::optional<Update> acquire(const std::atomic<bool>& stop);
  // The webhook accepted `update_id`; it is forgotten. No-op for unknown ids.
  void complete(std::int64_t update_id);
  // The delivery failed; `update_id` becomes deliverable again at `when`.
  void retry_at(std::int64_t update_id, Clock::time_point when);

  std::size_t pending_count() const;
  void drop_pending();
  // Wakes every blocked caller so it can re-check its stop flag.
  void wake_all();
  // Makes every current and future blocking call return promptly.
  void shutdown();

 private:
  struct Entry {
    std::int64_t chat_key = 0;
    int attempts = 0;
    bool in_flight = false;
    Clock::time_point not_before{};
    nlohmann::json body;
  };

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_:
  std::int64_t next_update_id_ = 100000001;
  std::map<std::int64_t, Entry> pending_;  // by update_id
  std::set<std::string> allowed_;          // empty = all
  bool shutdown_ = false;
};

}  // namespace mock_platform
