// PgStore: opening, migrations under an advisory lock, the connection pool, retried
// transactions, process() and the owner's reads.
#include "reviewbot/store/pg_store.h"

#include <poll.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "pg_detail.h"
#include "reviewbot/store/migrations.h"

namespace reviewbot::store {

using pg_detail::Failure;
using pg_detail::run;

namespace {

// Any 64-bit number that no other application on the database uses for advisory locks.
constexpr const char* kMigrationLock = "7246185093170011";

bool retryable(pg::ErrorCode code) {
  return code == pg::ErrorCode::kSerialization || code == pg::ErrorCode::kDeadlock ||
         code == pg::ErrorCode::kUniqueViolation || code == pg::ErrorCode::kConnection;
}

int current_version(pg::Connection& c) {
  const auto r = run(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return static_cast<int>(pg_detail::int64_at(r, 0, 0));
}

// Applies the migrations newer than the database, each in its own transaction, while
// holding a session advisory lock so instances starting together take turns.
core::Status migrate(pg::Connection& c, core::Time now) {
  const auto migrations = postgres_migrations();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  try {
    run(c, std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")");
  } catch (const Failure& f) {
    return pg_detail::as_core("cannot take the migration lock", f.error);
  }
  core::Status status = core::ok_status();
  try {
    run(c,
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    const int version = current_version(c);
    if (version > newest) {
      status = core::Error{"database schema version " + std::to_string(version) +
                           " is newer than this binary (" + std::to_string(newest) +
                           "); upgrade reviewbot"};
    }
    for (const Migration& m : migrations) {
      if (!status || m.version <= version) continue;
      run(c, "BEGIN");
      if (auto applied = c.exec_script(m.sql); !applied) {
        (void)c.exec("ROLLBACK");
        status =
            pg_detail::as_core("migration " + std::string(m.name) + " failed", applied.error());
        break;
      }
      run(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          {m.version, std::string(m.name), core::to_millis(now)});
      run(c, "COMMIT");
    }
  } catch (const Failure& f) {
    (void)c.exec("ROLLBACK");
    status = pg_detail::as_core("migrating the database failed", f.error);
  }
  (void)c.exec(std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")");
  return status;
}

bool seen(pg::Connection& c, const std::string& business, const InboundKey& key) {
  if (key.source == InboundKey::Source::kTelegramUpdate) {
    return run(c,
               "SELECT 1 FROM processed_updates WHERE business_id = $1 AND update_id = "
               "$2::bigint",
               {business, key.id})
               .rows() > 0;
  }
  return run(c, "SELECT 1 FROM events WHERE business_id = $1 AND id = $2", {business, key.id})
             .rows() > 0;
}

void record_key(pg::Connection& c, const std::string& business, const InboundKey& key,
                const core::Outcome& outcome, core::Time now) {
  if (key.source == InboundKey::Source::kTelegramUpdate) {
    run(c,
        "INSERT INTO processed_updates (business_id, update_id, received_at) "
        "VALUES ($1, $2::bigint, $3)",
        {business, key.id, core::to_millis(now)});
    return;
  }
  run(c,
      "INSERT INTO events (business_id, id, outcome, reason, received_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {business, key.id, core::to_string(outcome.status), outcome.reason, core::to_millis(now)});
}

}  // namespace

core::Result<std::unique_ptr<PgStore>> PgStore::open(PgOptions options) {
  if (options.pool_size < 1) return core::Error{"the connection pool needs at least 1 connection"};
  std::unique_ptr<PgStore> store(new PgStore(std::move(options)));
  auto first = store->acquire();
  if (!first) return core::Error{first.error().message};
  std::unique_ptr<pg::Connection> c = std::move(first).value();
  if (auto migrated = migrate(*c, store->now()); !migrated) {
    return core::Error{store->options_.description + ": " + migrated.error().message};
  }
  store->give_back(std::move(c));
  return store;
}

PgStore::PgStore(PgOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : &system_clock_) {}

PgStore::~PgStore() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

void PgStore::watch(std::function<void()> on_new_rows) {
  if (listener_.joinable() || !on_new_rows) return;
  listener_ = std::thread([this, f = std::move(on_new_rows)] {
    pthread_setname_np(pthread_self(), "pg-listener");
    listen(f);
  });
}

void PgStore::listen(std::function<void()> on_new_rows) {
  while (!stopping_) {
    auto connected = pg::Connection::connect(options_.params, options_.description);
    if (connected && connected.value()->exec("LISTEN reviewbot_outbox")) {
      std::unique_ptr<pg::Connection> c = std::move(connected).value();
      on_new_rows();  // rows may have been written while no one listened
      while (!stopping_) {
        pollfd fd{c->socket(), POLLIN, 0};
        if (fd.fd < 0 || poll(&fd, 1, 250) < 0) break;
        auto payloads = c->notifications();
        if (!payloads) break;
        const bool ours =
            std::any_of(payloads->begin(), payloads->end(),
                        [&](const std::string& p) { return p == options_.business_id; });
        if (ours) on_new_rows();
      }
    }
    for (int i = 0; i < 4 && !stopping_; ++i) {  // then try again, polling meanwhile
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

pg::Result<std::unique_ptr<pg::Connection>> PgStore::acquire() {
  std::unique_lock lock(pool_mu_);
  const bool free = pool_cv_.wait_for(lock, options_.acquire_timeout, [this] {
    return !idle_.empty() || open_ < options_.pool_size;
  });
  if (!free) {
    return pg::Error{pg::ErrorCode::kConnection, "",
                     "no free database connection within " +
                         std::to_string(options_.acquire_timeout.count()) + " ms (pool of " +
                         std::to_string(options_.pool_size) + ")"};
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  auto connected = pg::Connection::connect(options_.params, options_.description);
  if (!connected) {
    lock.lock();
    --open_;
    pool_cv_.notify_one();
    return connected.error();
  }
  return std::move(connected).value();
}

void PgStore::give_back(std::unique_ptr<pg::Connection> connection) {
  std::lock_guard lock(pool_mu_);
  if (connection) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;  // dropped: broken
  }
  pool_cv_.notify_one();
}

pg::Status PgStore::transaction(const char* isolation,
                                const std::function<void(pg::Connection&)>& body) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  pg::Error last{pg::ErrorCode::kOther, "", "no attempt made"};
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto acquired = acquire();
    if (!acquired) return acquired.error();  // waited acquire_timeout already
    std::unique_ptr<pg::Connection> c = std::move(acquired).value();
    try {
      run(*c, std::string("BEGIN ISOLATION LEVEL ") + isolation);
      body(*c);
      run(*c, "COMMIT");
      give_back(std::move(c));
      return core::Ok{};
    } catch (const Failure& f) {
      last = f.error;
    } catch (const std::exception& e) {  // from a decide function: not retried
      (void)c->exec("ROLLBACK");
      give_back(std::move(c));
      return pg::Error{pg::ErrorCode::kOther, "", e.what()};
    }
    if (last.code == pg::ErrorCode::kConnection) {
      c.reset();  // broken: the pool opens a new one; a lost COMMIT is retried as a whole
    } else {
      (void)c->exec("ROLLBACK");
    }
    give_back(std::move(c));
    if (!retryable(last.code)) break;
    // Conflicting transactions retry at different times: full jitter, doubling to 64 ms.
    const int cap = 1 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % cap));
  }
  return last;
}

ProcessResult PgStore::process(const InboundKey& key, const core::Lookup& lookup,
                               const DecideFn& decide) {
  ProcessResult result;
  const std::string& business = options_.business_id;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    pg_detail::lock_state(
        c, business, (key.source == InboundKey::Source::kEvent ? "event:" : "update:") + key.id,
        lookup);
    const core::Time stamp = now();
    if (seen(c, business, key)) {
      result.status = ProcessResult::Status::kDuplicate;
      return;
    }
    const core::Snapshot snapshot = pg_detail::load_snapshot(c, business, lookup);
    core::Decision decision = decide(snapshot);
    pg_detail::apply_decision(c, business, decision, snapshot, stamp);
    record_key(c, business, key, decision.outcome, stamp);
    // Delivered at commit to every instance's listener (PgStore::watch).
    if (!decision.messages.empty()) run(c, "SELECT pg_notify('reviewbot_outbox', $1)", {business});
    result.status = ProcessResult::Status::kApplied;
    result.outcome = std::move(decision.outcome);
  });
  if (!status) {
    result = ProcessResult{};
    result.status = ProcessResult::Status::kUnavailable;
    result.error = status.error().message;
  }
  return result;
}

core::Status PgStore::migrate_chat(core::ChatId old_chat, core::ChatId new_chat, core::Time now) {
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    core::Lookup chats;  // the old chat's customer and rows, and the new chat's
    chats.chat_id = old_chat;
    pg_detail::lock_state(c, options_.business_id, "chat:" + std::to_string(new_chat), chats);
    pg_detail::migrate_chat(c, options_.business_id, old_chat, new_chat, now);
  });
  if (!status)
    return pg_detail::as_core("moving chat " + std::to_string(old_chat) + " failed",
                              status.error());
  return core::ok_status();
}

core::Result<ReviewPage> PgStore::list_reviews(const ReviewFilter& filter) {
  ReviewPage page;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    page = pg_detail::list_reviews(c, options_.business_id, filter);
  });
  if (!status) return pg_detail::as_core("listing reviews failed", status.error());
  return page;
}

core::Result<core::Stats> PgStore::stats() {
  core::Stats stats;
  // One snapshot for both counts, so they agree with each other.
  const auto status = transaction("REPEATABLE READ", [&](pg::Connection& c) {
    stats = pg_detail::stats(c, options_.business_id);
  });
  if (!status) return pg_detail::as_core("reading stats failed", status.error());
  return stats;
}

core::Result<std::vector<WeekRatings>> PgStore::weekly_ratings(core::Time end, int weeks) {
  std::vector<WeekRatings> out;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    out = pg_detail::weekly_ratings(c, options_.business_id, end, std::clamp(weeks, 1, 520));
  });
  if (!status) return pg_detail::as_core("reading the weekly trend failed", status.error());
  return out;
}

core::Result<OutboxStats> PgStore::outbox_stats(core::Time now) {
  OutboxStats stats;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    stats = pg_detail::outbox_stats(c, options_.business_id, now);
  });
  if (!status) return pg_detail::as_core("reading outbox stats failed", status.error());
  return stats;
}

bool PgStore::ping() {
  auto acquired = acquire();
  if (!acquired) return false;
  std::unique_ptr<pg::Connection> c = std::move(acquired).value();
  // A write that changes nothing is still refused in read-only mode (a standby, a
  // read-only transaction default) and without write privileges (a plan over its limit).
  const auto r = c->exec("UPDATE customers SET name = name WHERE false");
  const bool up = r.ok();
  if (!up && !c->ok()) c.reset();  // refused, or the connection is gone
  give_back(std::move(c));
  return up;
}

core::Result<std::string> PgStore::keep_key(const std::string& name, const std::string& proposed) {
  std::string value;
  // The insert, or (read after it, so in READ COMMITTED) the row another instance
  // inserted first.
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c,
        "INSERT INTO service_keys (business_id, name, value, created_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        {options_.business_id, name, proposed, core::to_millis(now())});
    const auto r = run(c, "SELECT value FROM service_keys WHERE business_id = $1 AND name = $2",
                       {options_.business_id, name});
    if (r.rows() != 1) throw Failure(pg::Error{pg::ErrorCode::kOther, "", "not stored"});
    value = r.text(0, 0);
  });
  if (!status) return pg_detail::as_core("keeping key " + name + " failed", status.error());
  return value;
}

}  // namespace reviewbot::store
