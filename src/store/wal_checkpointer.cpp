#include "reviewbot/store/wal_checkpointer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace reviewbot::store {

core::Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path,
                                                                      sqlite3* writer, int pages) {
  sqlite3* own = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string error = own != nullptr ? sqlite3_errmsg(own) : sqlite3_errstr(rc);
    sqlite3_close(own);
    return core::Error{"cannot open a checkpoint connection to " + path + ": " + error};
  }
  // A checkpoint syncs the log before it copies it and the database file after: only then
  // may the log be written over.
  sqlite3_exec(own, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
  sqlite3_busy_timeout(own, 1000);
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(own, writer, pages));
}

WalCheckpointer::WalCheckpointer(sqlite3* own, sqlite3* writer, int pages)
    : own_(own), writer_(writer), pages_(pages) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "wal-checkpoint");
    run();
  });
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);  // replaces autocheckpoint
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_, 1000);  // unhooks this: SQLite's own checkpoints again
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(own_);
}

int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  if (pages < checkpointer.pages_) return SQLITE_OK;
  {
    std::lock_guard lock(checkpointer.mu_);
    checkpointer.wanted_ = true;
  }
  checkpointer.wake_.notify_one();  // no system call while a checkpoint runs
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    int log = 0, copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc == SQLITE_OK && log == copied) {
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } else if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("sqlite: checkpoint of the write-ahead log failed: {}", sqlite3_errmsg(own_));
    }
    lock.lock();
  }
}

}  // namespace reviewbot::store
