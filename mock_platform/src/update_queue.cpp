#include "mock_platform/update_queue.h"

#include <algorithm>
#include <unordered_set>

namespace mock_platform {

std::optional<std::int64_t> UpdateQueue::push(const std::string& type, std::int64_t chat_key,
                                              nlohmann::json payload) {
  std::int64_t id = 0;
  {
    std::lock_guard lock(mu_);
    if (!allowed_.empty() && allowed_.count(type) == 0) return std::nullopt;
    id = next_update_id_++;
    Entry entry;
    entry.chat_key = chat_key;
    entry.body = {{"update_id", id}, {type, std::move(payload)}};
    pending_.emplace(id, std::move(entry));
  }
  cv_.notify_all();
  return id;
}

void UpdateQueue::set_allowed_updates(std::vector<std::string> types) {
  std::lock_guard lock(mu_);
  allowed_ = std::set<std::string>(types.begin(), types.end());
}

std::vector<std::string> UpdateQueue::allowed_updates() const {
  std::lock_guard lock(mu_);
  return {allowed_.begin(), allowed_.end()};
}

std::vector<nlohmann::json> UpdateQueue::poll(std::int64_t offset, std::size_t limit,
                                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (offset > 0) {
    pending_.erase(pending_.begin(), pending_.lower_bound(offset));
  } else if (offset < 0) {
    const auto keep = static_cast<std::size_t>(-offset);
    while (pending_.size() > keep) pending_.erase(pending_.begin());
  }
  cv_.wait_for(lock, timeout, [&] { return shutdown_ || !pending_.empty(); });
  std::vector<nlohmann::json> out;
  for (auto it = pending_.begin(); it != pending_.end() && out.size() < limit; ++it) {
    out.push_back(it->second.body);
  }
  return out;
}

std::optional<UpdateQueue::Update> UpdateQueue::acquire(const std::atomic<bool>& stop) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (shutdown_ || stop.load()) return std::nullopt;
    const auto now = Clock::now();
    std::optional<Clock::time_point> earliest;
    std::unordered_set<std::int64_t> seen_chats;
    for (auto& [id, e] : pending_) {
      if (!seen_chats.insert(e.chat_key).second) continue;  // an older one of this chat waits
      if (e.in_flight) continue;
      if (e.not_before > now) {
        earliest = earliest ? std::min(*earliest, e.not_before) : e.not_before;
        continue;
      }
      e.in_flight = true;
      ++e.attempts;
      return Update{id, e.chat_key, e.attempts, e.body};
    }
    if (earliest) {
      cv_.wait_until(lock, *earliest);
    } else {
      cv_.wait(lock);
    }
  }
}

void UpdateQueue::complete(std::int64_t update_id) {
  {
    std::lock_guard lock(mu_);
    pending_.erase(update_id);
  }
  cv_.notify_all();
}

void UpdateQueue::retry_at(std::int64_t update_id, Clock::time_point when) {
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(update_id);
    if (it == pending_.end()) return;
    it->second.in_flight = false;
    it->second.not_before = when;
  }
  cv_.notify_all();
}

std::size_t UpdateQueue::pending_count() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void UpdateQueue::drop_pending() {
  std::lock_guard lock(mu_);
  pending_.clear();
}

void UpdateQueue::wake_all() {
  { std::lock_guard lock(mu_); }
  cv_.notify_all();
}

void UpdateQueue::shutdown() {
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
  }
  cv_.notify_all();
}

}  // namespace mock_platform
