// WalCheckpointer copies SQLite's write-ahead log back into the database file on a thread
// of its own, so that no commit waits for it. Left to SQLite, the commit that takes the log
// past wal_autocheckpoint pages does it on the committing thread: two fsyncs (the log, then
// the database file) inside the single writer's serial section, while every input queued
// behind it waits. The checkpointer instead runs a PASSIVE checkpoint on its own connection
// (which takes no write lock: commits go on meanwhile) whenever a commit on the writer
// connection reports that the log has grown past `pages`. A checkpoint that cannot finish
// (a reader still uses the log) is tried again after the next commit past the mark.
// Thread-safe; one per write connection.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "reviewbot/core/result.h"

namespace reviewbot::store {

class WalCheckpointer {
 public:
  // Opens a connection of its own to the database at `path`, turns the automatic
  // checkpoints of `writer` off and watches its commits (sqlite3_wal_hook). `writer` must
  // stay open until the checkpointer is destroyed. Error when the connection cannot be
  // opened.
  static core::Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path,
                                                              sqlite3* writer, int pages);
  // Stops watching the writer and joins the thread (a checkpoint under way finishes).
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints that copied the whole log so far.
  uint64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  WalCheckpointer(sqlite3* own, sqlite3* writer, int pages);
  // sqlite3_wal_hook: on the writer's thread, after each of its commits.
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  sqlite3* const own_;  // closed by the destructor
  sqlite3* const writer_;
  const int pages_;
  std::atomic<uint64_t> checkpoints_{0};
  std::mutex mu_;  // guards the two flags
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace reviewbot::store
