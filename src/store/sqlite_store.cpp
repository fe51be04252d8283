// SqliteStore: opening, pragmas, migrations and the one-transaction process().
#include "reviewbot/store/sqlite_store.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "reviewbot/store/migrations.h"
#include "reviewbot/store/wal_sync.h"
#include "sqlite_detail.h"

namespace reviewbot::store {

using sqlite_detail::Connection;
using sqlite_detail::Stmt;

namespace {

// Every connection is used under a mutex of SqliteStore's (one thread at a time), so
// SQLite's own locking is only overhead: connections open without their mutex, and memory
// statistics, which take a global mutex on every allocation, are off. sqlite3_config works
// only before SQLite is initialised; when something initialised it first, the
// statistics stay on, which changes nothing but speed.
void configure_sqlite_once() {
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)configured;
}

bool is_in_memory(const std::string& path) {
  return path == ":memory:" || path.find("mode=memory") != std::string::npos ||
         path.rfind("file::memory:", 0) == 0;
}

int64_t update_id_of(const InboundKey& key) {
  int64_t id = 0;
  const char* end = key.id.data() + key.id.size();
  auto [ptr, ec] = std::from_chars(key.id.data(), end, id);
  if (ec != std::errc() || ptr != end || key.id.empty()) {
    throw std::runtime_error("telegram update key is not a decimal integer: " + key.id);
  }
  return id;
}

bool seen(Connection& c, const InboundKey& key) {
  if (key.source == InboundKey::Source::kTelegramUpdate) {
    Stmt s = c.stmt("SELECT 1 FROM processed_updates WHERE update_id = ?");
    s->bind(1, update_id_of(key));
    return s->executeStep();
  }
  Stmt s = c.stmt("SELECT 1 FROM events WHERE id = ?");
  s->bind(1, key.id);
  return s->executeStep();
}

void record_key(Connection& c, const InboundKey& key, const core::Outcome& outcome,
                core::Time now) {
  if (key.source == InboundKey::Source::kTelegramUpdate) {
    Stmt s = c.stmt("INSERT INTO processed_updates (update_id, received_at) VALUES (?, ?)");
    s->bind(1, update_id_of(key));
    sqlite_detail::bind_time(*s, 2, now);
    s->exec();
    return;
  }
  Stmt s = c.stmt("INSERT INTO events (id, outcome, reason, received_at) VALUES (?, ?, ?, ?)");
  s->bind(1, key.id);
  s->bind(2, core::to_string(outcome.status));
  s->bind(3, outcome.reason);
  sqlite_detail::bind_time(*s, 4, now);
  s->exec();
}

ProcessResult unavailable(const std::string& error) {
  ProcessResult r;
  r.status = ProcessResult::Status::kUnavailable;
  r.error = error;
  return r;
}

// Thrown when an input's failure took the whole transaction with it (SQLite rolls back on
// some errors, e.g. a full disk or an I/O error): the batch cannot go on.
struct TransactionLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One input of a batch: applied, or a duplicate. What the store throws is thrown on, with
// the input perhaps half written.
ProcessResult apply_input(Connection& c, const BatchInput& input, core::Time stamp) {
  ProcessResult result;
  if (seen(c, *input.key)) {
    result.status = ProcessResult::Status::kDuplicate;
    return result;
  }
  const core::Snapshot snapshot = sqlite_detail::load_snapshot(c, *input.lookup);
  core::Decision decision = (*input.decide)(snapshot);
  sqlite_detail::apply_decision(c, decision, snapshot, stamp);
  record_key(c, *input.key, decision.outcome, stamp);
  result.status = ProcessResult::Status::kApplied;
  result.outcome = std::move(decision.outcome);
  return result;
}

// One input under its own savepoint: applied, a duplicate, or rolled back alone.
ProcessResult apply_input_alone(Connection& c, const BatchInput& input, core::Time stamp) {
  c.stmt("SAVEPOINT input")->exec();
  try {
    ProcessResult result = apply_input(c, input, stamp);
    c.stmt("RELEASE input")->exec();
    return result;
  } catch (const std::exception& e) {
    if (sqlite3_get_autocommit(c.db().getHandle()) != 0) throw TransactionLost(e.what());
    c.stmt("ROLLBACK TO input")->exec();
    c.stmt("RELEASE input")->exec();
    return unavailable(e.what());
  }
}

}  // namespace

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                             SqliteOptions options) {
  const core::SystemClock system_clock;
  const core::Clock& clock = options.clock ? *options.clock : system_clock;
  const bool in_memory = is_in_memory(path);
  configure_sqlite_once();
  std::unique_ptr<Connection> writer, reader;
  bool wal = false;  // the mode SQLite reports back: a file system may refuse WAL
  try {
    writer = std::make_unique<Connection>(SQLite::Database(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_URI | SQLITE_OPEN_NOMUTEX,
        options.busy_timeout_ms));
    SQLite::Database& db = writer->db();
    if (!in_memory) wal = db.execAndGet("PRAGMA journal_mode = WAL").getString() == "wal";
    db.exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
  } catch (const std::exception& e) {
    return core::Error{"cannot open database " + path + ": " + e.what()};
  }
  if (auto migrated = migrate(writer->db(), sqlite_migrations(), clock.now()); !migrated) {
    return core::Error{path + ": " + migrated.error().message};
  }
  Readers snapshot_readers;
  if (!in_memory) {
    try {
      const auto open_reader = [&] {
        return std::make_unique<Connection>(
            SQLite::Database(path, SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLITE_OPEN_NOMUTEX,
                             options.busy_timeout_ms));
      };
      reader = open_reader();
      for (auto& snapshot_reader : snapshot_readers) snapshot_reader = open_reader();
    } catch (const std::exception& e) {
      return core::Error{"cannot open a read connection to " + path + ": " + e.what()};
    }
  }
  // Without WAL every commit syncs itself.
  std::unique_ptr<WalSync> wal_sync;
  if (wal && options.synchronous_full) {
    sqlite3* handle = writer->db().getHandle();
    wal_sync = std::make_unique<WalSync>(sqlite3_filename_wal(sqlite3_db_filename(handle, "main")));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(
      std::move(writer), std::move(reader), std::move(snapshot_readers), std::move(wal_sync),
      options.clock, std::max<std::size_t>(options.max_batch, 1)));
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<Connection> reader,
                         Readers snapshot_readers, std::unique_ptr<WalSync> wal_sync,
                         const core::Clock* clock, std::size_t max_batch)
    : clock_(clock ? clock : &system_clock_),
      max_batch_(max_batch),
      wal_sync_(std::move(wal_sync)),
      writer_(std::move(writer)),
      reader_(std::move(reader)),
      snapshot_readers_(std::move(snapshot_readers)) {}

SqliteStore::~SqliteStore() = default;

SqliteStore::Locked SqliteStore::writer() { return Locked{*writer_, std::unique_lock(write_mu_)}; }

SqliteStore::Locked SqliteStore::reader() {
  if (reader_) return Locked{*reader_, std::unique_lock(read_mu_)};
  return writer();
}

ProcessResult SqliteStore::process(const InboundKey& key, const core::Lookup& lookup,
                                   const DecideFn& decide) {
  const BatchInput input{&key, &lookup, &decide};
  return std::move(process_batch({&input, 1}).front());
}

std::vector<ProcessResult> SqliteStore::process_batch(std::span<const BatchInput> inputs) {
  return run_batch(inputs, false);
}

std::vector<ProcessResult> SqliteStore::process_batch_unsynced(std::span<const BatchInput> inputs) {
  return run_batch(inputs, wal_sync_ != nullptr);
}

core::Status SqliteStore::sync() { return wal_sync_ ? wal_sync_->sync() : core::ok_status(); }

// A batch is first applied without savepoints: a savepoint per input costs each input a
// copy of every page it changes (SQLite's statement journal), and inputs rarely fail. When
// one does, the transaction is rolled back and the batch applied again with a savepoint
// per input, so that the failing input is rolled back alone; `decide` is called again then.
std::vector<ProcessResult> SqliteStore::run_batch(std::span<const BatchInput> inputs,
                                                  bool unsynced) {
  std::vector<ProcessResult> results(inputs.size());
  if (inputs.empty()) return results;
  auto [c, lock] = writer();
  // NORMAL for this transaction only: its commit writes the WAL without forcing it to
  // disk, and sync() does that after the lock is released. Every other write stays FULL.
  struct Synchronous {
    Connection& c;
    bool normal;
    ~Synchronous() {
      if (normal) c.stmt("PRAGMA synchronous = FULL")->tryExecuteStep();
    }
  } synchronous{c, false};
  // A lone input needs no savepoint: its failure fails the batch, and only it, either way.
  for (bool guarded : {false, true}) {
    if (guarded && inputs.size() == 1) break;
    try {
      if (unsynced && !synchronous.normal) {
        c.stmt("PRAGMA synchronous = NORMAL")->exec();
        synchronous.normal = true;
      }
      SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
      bool wrote = false;
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        results[i] =
            guarded ? apply_input_alone(c, inputs[i], now()) : apply_input(c, inputs[i], now());
        wrote = wrote || results[i].status == ProcessResult::Status::kApplied;
      }
      if (wrote) {
        tx.commit();
        if (unsynced) wal_sync_->committed();
      }  // else tx rolls back: nothing was written
      return results;
    } catch (const std::exception& e) {
      // The transaction is lost, and with it whatever the batch applied: a duplicate may
      // have been a duplicate of an input lost with it, so every input is to be sent again
      // unless the guarded attempt commits it.
      for (ProcessResult& r : results) r = unavailable(e.what());
    }
  }
  return results;
}

std::optional<core::Snapshot> SqliteStore::try_read_snapshot(const core::Lookup& lookup) {
  if (!snapshot_readers_[0]) return std::nullopt;  // in memory: none
  for (std::size_t i = 0; i < kSnapshotReaders; ++i) {
    std::unique_lock lock(snapshot_mu_[i], std::try_to_lock);
    if (!lock.owns_lock()) continue;
    try {
      return sqlite_detail::load_snapshot(*snapshot_readers_[i], lookup);
    } catch (const std::exception&) {
      return std::nullopt;  // the input's transaction reads it again
    }
  }
  return std::nullopt;
}

bool SqliteStore::ping() {
  try {
    // A write that changes nothing still needs the write lock and a writable file.
    if (wal_sync_ && wal_sync_->failed()) return false;
    auto [c, lock] = writer();
    c.db().exec("UPDATE customers SET name = name WHERE 0");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

core::Result<std::string> SqliteStore::keep_key(const std::string& name,
                                                const std::string& proposed) {
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    Stmt insert = c.stmt(
        "INSERT INTO service_keys (name, value, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    insert->bind(1, name);
    insert->bind(2, proposed);
    sqlite_detail::bind_time(*insert, 3, now());
    insert->exec();
    Stmt read = c.stmt("SELECT value FROM service_keys WHERE name = ?");
    read->bind(1, name);
    if (!read->executeStep()) return core::Error{"keeping key " + name + " failed: not stored"};
    std::string value = read->getColumn(0).getString();
    tx.commit();
    return value;
  } catch (const std::exception& e) {
    return core::Error{"keeping key " + name + " failed: " + e.what()};
  }
}

}  // namespace reviewbot::store
