// WalSync makes SQLite's write-ahead log durable outside the write lock. SqliteStore's
// group commit commits a batch with synchronous=NORMAL (the frames are written to the WAL,
// not yet forced to disk), notes it with committed(), and releases the lock; the batch's
// thread then calls sync(), which fdatasyncs the WAL on a descriptor of its own while the
// next batch is written. One fdatasync covers every commit noted before it started, so
// threads that arrive while one runs share the next. Thread-safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "reviewbot/core/result.h"

namespace reviewbot::store {

class WalSync {
 public:
  explicit WalSync(std::string wal_path) : path_(std::move(wal_path)) {}
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // A commit that skipped its sync has returned (its frames are in the WAL file).
  void committed() { commits_.fetch_add(1, std::memory_order_release); }
  // Makes every commit noted before this call durable. A failed fdatasync is final: the
  // kernel may have dropped the pages it could not write, so every later call fails too.
  // A WAL file that cannot be opened fails this call only.
  core::Status sync();
  // True once an fdatasync failed.
  bool failed() const;
  // fdatasync calls made so far.
  uint64_t syncs() const;

 private:
  // Opens path_, or reopens it when the file there is no longer the one open. Needs mu_.
  core::Status open_current();

  const std::string path_;
  std::atomic<uint64_t> commits_{0};
  mutable std::mutex mu_;  // guards the members below
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  uint64_t synced_ = 0;  // commits_ as read before the last successful fdatasync
  uint64_t syncs_ = 0;
  std::optional<std::string> failure_;
};

}  // namespace reviewbot::store
