// Starts the real reviewbot executable (REVIEWBOT_BIN, default: the one built here) on
// 127.0.0.1 with a fresh SQLite database in a temporary directory (or one in a given
// directory, so a later process reopens it), and stops it on destruction. Not thread-safe.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "integration/child_process.h"

namespace reviewbot::testing {

class ReviewbotProcess {
 public:
  // env is added to a minimal environment (PORT=0, DATABASE_URL in a temp dir,
  // TEMPLATES_DIR, LOG_FORMAT=json, no quiet hours). A non-empty `data_dir` holds the
  // database instead (data_dir/reviewbot.db), for restarts on the same data; the caller
  // owns the directory. Throws if it does not start.
  explicit ReviewbotProcess(std::map<std::string, std::string> env, std::string data_dir = "");

  int port() const { return process_->port(); }
  httplib::Client client() const;
  // SIGTERM and wait; returns the exit code (or -1).
  int stop() { return process_->stop(SIGTERM); }
  // SIGKILL (a crash) and wait; returns -1 (no exit code).
  int kill() { return process_->stop(SIGKILL); }
  pid_t pid() const { return process_->pid(); }
  std::string log() const { return process_->log(); }
  // The SQLite file it uses (unless env named another DATABASE_URL).
  const std::string& database_path() const { return database_path_; }

  httplib::Result post_update(const nlohmann::json& update, const std::string& secret = "");
  httplib::Result post_event(const nlohmann::json& event, const std::string& admin_token);
  httplib::Result get(const std::string& path, const std::string& admin_token);

 private:
  TempDir dir_;
  std::string database_path_;
  std::unique_ptr<ChildProcess> process_;
};

// Sends one request to the server on `port` from this thread. Call it before starting
// client threads: cpp-httplib (not built with the sanitizers) initializes its static
// regexes on first use, and ThreadSanitizer, not seeing the library's init guard, would
// report that as a race between the threads.
void warm_up_http_client(int port);

// The value of the unlabelled sample `name` in a /metrics page, or -1 when it is absent.
double metric_sample(const std::string& page, const std::string& name);

}  // namespace reviewbot::testing
