// PgStore is the PostgreSQL implementation of Store, for production and for several
// instances sharing one database. It works for one business (its rows carry business_id),
// owns a pool of connections (one per concurrent call, up to pool_size; a call waits for a
// free one), and reconnects a broken connection on its next use. Inputs run as READ
// COMMITTED transactions that first take advisory locks on the keys they touch (dedup
// key, chat, external id, transaction), so two instances applying the same input, or two
// inputs for one customer, take turns and commit once; conflicts that still happen
// (deadlocks, unique-key races, lost connections) retry the whole transaction. Thread-safe; libpq
// errors never leave it as exceptions, and no message holds the password.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "reviewbot/core/clock.h"
#include "reviewbot/core/result.h"
#include "reviewbot/store/pg_connection.h"
#include "reviewbot/store/store.h"

namespace reviewbot::store {

struct PgOptions {
  pg::ConnectParams params;  // libpq keywords (config::DatabaseTarget::libpq_params)
  std::string description;   // safe to log: the URL without its password
  std::string business_id = "default";
  int pool_size = 8;  // DATABASE_POOL_SIZE
  // How long a call waits for a free connection, or for a broken one to reconnect,
  // before it reports the database unavailable.
  core::Duration acquire_timeout{5000};
  int max_attempts = 20;  // per transaction, counting retries after conflicts
  // Stamps bookkeeping columns (created_at, received_at, ...); nullptr: the system clock.
  const core::Clock* clock = nullptr;
};

class PgStore final : public Store {
 public:
  // Connects once, applies the embedded PostgreSQL migrations under an advisory lock (so
  // instances starting together take turns) and refuses a schema newer than this binary.
  // Errors name the cause without the password.
  static core::Result<std::unique_ptr<PgStore>> open(PgOptions options);

  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  ProcessResult process(const InboundKey& key, const core::Lookup& lookup,
                        const DecideFn& decide) override;

  // Claims with FOR UPDATE SKIP LOCKED, a chat's head row only (as SqliteStore).
  core::Result<std::vector<OutboxRow>> claim_due(const Lease& lease, core::Time now,
                                                 int limit) override;
  core::Result<bool> hold_lease(const std::string& name, const Lease& lease,
                                core::Time now) override;
  core::Status release_lease(const std::string& name, const std::string& owner) override;
  core::Result<int> renew_claims(const Lease& lease) override;
  core::Status complete(const std::string& owner, int64_t outbox_id, const DeliveryOutcome& outcome,
                        core::Time now, const FollowUp* follow_up = nullptr) override;
  core::Status mark_sending(const std::string& owner, int64_t outbox_id, core::Time now) override;
  core::Result<std::vector<OutboxRow>> release_claims(const Lease& lease, core::Time now) override;
  core::Result<std::vector<OutboxRow>> take_over_expired(const Lease& lease,
                                                         core::Time now) override;
  core::Status migrate_chat(core::ChatId old_chat, core::ChatId new_chat, core::Time now) override;
  std::optional<core::Time> next_due() override;
  // LISTEN on a connection of its own (outside the pool) in a thread; reconnects after a
  // second when the connection breaks. process() notifies when it writes outbox rows.
  void watch(std::function<void()> on_new_rows) override;

  core::Result<ReviewPage> list_reviews(const ReviewFilter& filter) override;
  core::Result<core::Stats> stats() override;
  core::Result<std::vector<WeekRatings>> weekly_ratings(core::Time end, int weeks) override;
  core::Result<OutboxStats> outbox_stats(core::Time now) override;
  core::Result<std::vector<RecentSend>> sent_since(core::Time since) override;

  core::Result<bool> add_account(const OwnerAccount& account) override;
  core::Result<std::optional<OwnerAccount>> find_account(const std::string& name) override;
  core::Result<std::vector<OwnerAccount>> list_accounts() override;
  core::Result<bool> remove_account(const std::string& name) override;
  core::Status add_session(const OwnerSession& session) override;
  core::Result<std::optional<OwnerSession>> find_session(const std::string& token_hash,
                                                         core::Time now) override;
  core::Status remove_session(const std::string& token_hash) override;
  core::Result<int> failed_logins(const std::string& key, core::Time now,
                                  core::Duration window) override;
  core::Result<int> record_failed_login(const std::string& key, core::Time now,
                                        core::Duration window) override;
  core::Status clear_failed_logins(const std::string& key) override;
  core::Result<std::vector<InboxItem>> inbox(int limit) override;
  core::Result<bool> mark_handled(InboxItem::Kind kind, int64_t id, const std::string& by,
                                  core::Time now) override;
  core::Result<std::optional<InboxItem>> inbox_message(int64_t id) override;
  core::Result<std::vector<SentMessage>> conversation_messages(int64_t conversation_id) override;
  core::Result<std::vector<SentMessage>> failed_messages(int limit) override;
  core::Result<std::vector<VariantStats>> variant_stats() override;
  core::Result<std::vector<OwnerChat>> owner_chats() override;
  core::Result<bool> unlink_owner_chat(core::ChatId chat) override;
  bool ping() override;
  core::Result<std::string> keep_key(const std::string& name, const std::string& proposed) override;

 private:
  explicit PgStore(PgOptions options);

  core::Time now() const { return clock_->now(); }
  // A connection from the pool (connecting or reconnecting one if needed), or an error
  // after acquire_timeout.
  pg::Result<std::unique_ptr<pg::Connection>> acquire();
  void give_back(std::unique_ptr<pg::Connection> connection);
  // Runs `body` in one transaction at `isolation` ("READ COMMITTED", "REPEATABLE READ"),
  // retrying the whole transaction on serialization failures, deadlocks and unique-key
  // races; `body` throws pg_detail::Failure. Returns the error of the last attempt.
  pg::Status transaction(const char* isolation, const std::function<void(pg::Connection&)>& body);
  // release_claims (own_too) and take_over_expired.
  core::Result<std::vector<OutboxRow>> settle_claims(const Lease& lease, core::Time now,
                                                     bool own_too);

  PgOptions options_;
  core::SystemClock system_clock_;
  const core::Clock* clock_;  // options.clock or &system_clock_

  void listen(std::function<void()> on_new_rows);

  std::atomic<bool> stopping_{false};
  std::thread listener_;  // watch()

  std::mutex pool_mu_;  // guards idle_ and open_
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<pg::Connection>> idle_;
  int open_ = 0;  // connections lent out or idle
};

}  // namespace reviewbot::store
