// In-memory OwnerAccounts, held to the same contract suite as the real stores
// (tests/store/contract/owner_accounts_contract_test.cpp). Thread-safe: one mutex.
#pragma once

#include <map>
#include <mutex>

#include "reviewbot/store/owner_accounts.h"

namespace reviewbot::testing {

class FakeOwnerAccounts final : public store::OwnerAccounts {
 public:
  core::Result<bool> add_account(const store::OwnerAccount& account) override {
    std::lock_guard lock(mutex_);
    return accounts_.emplace(account.name, account).second;
  }
  core::Result<std::optional<store::OwnerAccount>> find_account(const std::string& name) override {
    std::lock_guard lock(mutex_);
    const auto it = accounts_.find(name);
    if (it == accounts_.end()) return std::optional<store::OwnerAccount>();
    return std::optional<store::OwnerAccount>(it->second);
  }
  core::Result<std::vector<store::OwnerAccount>> list_accounts() override {
    std::lock_guard lock(mutex_);
    std::vector<store::OwnerAccount> out;
    for (const auto& [name, account] : accounts_) out.push_back(account);
    return out;
  }
  core::Result<bool> remove_account(const std::string& name) override {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& entry) { return entry.second.account == name; });
    return accounts_.erase(name) == 1;
  }
  core::Status add_session(const store::OwnerSession& session) override {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_,
                  [&](const auto& entry) { return entry.second.expires_at <= session.created_at; });
    sessions_[session.token_hash] = session;
    return core::ok_status();
  }
  core::Result<std::optional<store::OwnerSession>> find_session(const std::string& token_hash,
                                                                core::Time now) override {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(token_hash);
    if (it == sessions_.end() || it->second.expires_at <= now) {
      return std::optional<store::OwnerSession>();
    }
    return std::optional<store::OwnerSession>(it->second);
  }
  core::Status remove_session(const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    sessions_.erase(token_hash);
    return core::ok_status();
  }
  core::Result<int> failed_logins(const std::string& key, core::Time now,
                                  core::Duration window) override {
    std::lock_guard lock(mutex_);
    const auto it = failures_.find(key);
    if (it == failures_.end() || it->second.second <= now - window) return 0;
    return it->second.first;
  }
  core::Result<int> record_failed_login(const std::string& key, core::Time now,
                                        core::Duration window) override {
    std::lock_guard lock(mutex_);
    auto& [count, start] = failures_[key];
    if (count == 0 || start <= now - window) {
      count = 1;
      start = now;
    } else {
      ++count;
    }
    return count;
  }
  core::Status clear_failed_logins(const std::string& key) override {
    std::lock_guard lock(mutex_);
    failures_.erase(key);
    return core::ok_status();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, store::OwnerAccount> accounts_;
  std::map<std::string, store::OwnerSession> sessions_;
  std::map<std::string, std::pair<int, core::Time>> failures_;  // count, window start
};

}  // namespace reviewbot::testing
