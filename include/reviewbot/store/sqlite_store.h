// SqliteStore is the SQLite implementation of Store: one write connection serialized by a
// mutex, and on file databases read-only connections that never wait for the writer (WAL):
// one for the admin reads (list_reviews, stats), and a few for the intake's early reads
// (try_read_snapshot). It owns every connection. Thread-safe; SQLite exceptions never
// leave it.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "reviewbot/core/clock.h"
#include "reviewbot/core/result.h"
#include "reviewbot/store/store.h"

namespace reviewbot::store {

namespace sqlite_detail {
class Connection;
}
class WalSync;

struct SqliteOptions {
  // FULL (default): every commit is on disk before what it stored is acknowledged, so an
  // acknowledged input survives a power loss (a group-commit batch is synced just after
  // the write lock is released: process_batch_unsynced). false = NORMAL: still safe
  // against a process crash, but the last commits before an OS crash or power cut may be
  // lost after they were acknowledged, and then Telegram will not redeliver them.
  bool synchronous_full = true;
  int busy_timeout_ms = 5000;
  // Stamps bookkeeping columns (created_at, received_at, applied_at); decisions and
  // outbox calls carry their own times. nullptr: the system clock. Must outlive the store.
  const core::Clock* clock = nullptr;
  // Inputs committed together at most (process_batch; the Intake's group commit).
  std::size_t max_batch = 64;
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path` and applies the embedded migrations.
  // ":memory:" gives a private in-memory database (one connection; tests). Errors name the
  // cause: cannot open, a pragma failed, a migration failed, or the schema is newer than
  // this binary.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                         SqliteOptions options = {});

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  ProcessResult process(const InboundKey& key, const core::Lookup& lookup,
                        const DecideFn& decide) override;
  // One IMMEDIATE transaction, one commit (one fsync with synchronous_full). When an input
  // fails, the transaction is rolled back and the batch applied again with a savepoint per
  // input, so it fails alone (its neighbours are decided again). process() is a batch of one.
  std::vector<ProcessResult> process_batch(std::span<const BatchInput> inputs) override;
  // With synchronous_full on a WAL database: the same transaction committed with
  // synchronous=NORMAL, and sync() fdatasyncs the WAL afterwards, outside the write lock
  // (WalSync). Otherwise process_batch, and sync() has nothing to do.
  std::vector<ProcessResult> process_batch_unsynced(std::span<const BatchInput> inputs) override;
  core::Status sync() override;
  std::size_t max_batch() const override { return max_batch_; }
  // Through a snapshot reader that no other thread holds (never waits); nullopt when all
  // are busy, and for an in-memory database, which has no read connections.
  std::optional<core::Snapshot> try_read_snapshot(const core::Lookup& lookup) override;

  // Claims the chat's head row only: a chat whose earliest due row is claimed or waiting
  // for a retry gets nothing; callback answers (chat 0) are not chat-ordered.
  core::Result<std::vector<OutboxRow>> claim_due(const Lease& lease, core::Time now,
                                                 int limit) override;
  core::Result<bool> hold_lease(const std::string& name, const Lease& lease,
                                core::Time now) override;
  core::Status release_lease(const std::string& name, const std::string& owner) override;
  core::Result<int> renew_claims(const Lease& lease) override;
  // kSent also records a row that was cancelled while in flight as sent; kRetry of a
  // cancelled row leaves it cancelled. Unknown id → Error.
  core::Status complete(const std::string& owner, int64_t outbox_id, const DeliveryOutcome& outcome,
                        core::Time now, const FollowUp* follow_up = nullptr) override;
  core::Status mark_sending(const std::string& owner, int64_t outbox_id, core::Time now) override;
  // A marked row whose payload cannot be decoded is failed instead of returned.
  core::Result<std::vector<OutboxRow>> release_claims(const Lease& lease, core::Time now) override;
  core::Result<std::vector<OutboxRow>> take_over_expired(const Lease& lease,
                                                         core::Time now) override;
  // A customer already on the new chat keeps it; the old customer then keeps the old id.
  core::Status migrate_chat(core::ChatId old_chat, core::ChatId new_chat, core::Time now) override;
  // Over unclaimed pending rows that head a chat with nothing in flight,
  // max(due_at, next_attempt_at). On a database error returns the current time.
  std::optional<core::Time> next_due() override;

  core::Result<ReviewPage> list_reviews(const ReviewFilter& filter) override;
  core::Result<core::Stats> stats() override;
  core::Result<std::vector<WeekRatings>> weekly_ratings(core::Time end, int weeks) override;
  // On the read connection, from the partial indexes on pending and failed rows.
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
  // Read connections for try_read_snapshot: handler threads read at once, and a thread that
  // finds them all busy leaves the read to the batch.
  static constexpr std::size_t kSnapshotReaders = 3;
  using Readers = std::array<std::unique_ptr<sqlite_detail::Connection>, kSnapshotReaders>;

  SqliteStore(std::unique_ptr<sqlite_detail::Connection> writer,
              std::unique_ptr<sqlite_detail::Connection> reader, Readers snapshot_readers,
              std::unique_ptr<WalSync> wal_sync, const core::Clock* clock, std::size_t max_batch);

  // process_batch (unsynced = false) and process_batch_unsynced.
  std::vector<ProcessResult> run_batch(std::span<const BatchInput> inputs, bool unsynced);

  core::Time now() const { return clock_->now(); }

  // release_claims (own_too) and take_over_expired.
  core::Result<std::vector<OutboxRow>> settle_claims(const Lease& lease, core::Time now,
                                                     bool own_too);

  // A connection with its mutex held.
  struct Locked {
    sqlite_detail::Connection& connection;
    std::unique_lock<std::mutex> lock;
  };
  Locked writer();
  // reader_ under read_mu_ on file databases, else writer_ under write_mu_.
  Locked reader();

  core::SystemClock system_clock_;
  const core::Clock* clock_;  // options.clock or &system_clock_
  std::size_t max_batch_;
  // Non-null when commits are meant to be durable (synchronous_full) on a WAL database.
  std::unique_ptr<WalSync> wal_sync_;

  // write_mu_ guards writer_ (its cached statements and transactions): process, the
  // outbox calls and next_due; for ":memory:" also the admin reads and ping.
  std::mutex write_mu_;
  std::unique_ptr<sqlite_detail::Connection> writer_;

  // read_mu_ guards reader_, the read-only connection of a file database, used by
  // list_reviews, stats, outbox_stats and the other owner reads. For ":memory:" reader_
  // is null.
  std::mutex read_mu_;
  std::unique_ptr<sqlite_detail::Connection> reader_;

  // snapshot_mu_[i] guards snapshot_readers_[i] (null for ":memory:"); try_read_snapshot only.
  std::array<std::mutex, kSnapshotReaders> snapshot_mu_;
  Readers snapshot_readers_;
};

}  // namespace reviewbot::store
