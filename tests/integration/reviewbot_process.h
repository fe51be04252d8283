// Starts the real reviewbot executable (REVIEWBOT_BIN, default: the one built here) on 127.0.0.1
// with a fresh SQLite database in a temporary directory, waits until it logs the port it listens
// on, and stops it (SIGTERM, then SIGKILL after a deadline) on destruction. Not thread-safe.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace reviewbot::testing {

class ReviewbotProcess {
 public:
  // env is added to a minimal environment (PORT=0, DATABASE_URL in a temp dir,
  // TEMPLATES_DIR from REVIEWBOT_TEMPLATES_DIR, LOG_FORMAT=json). Throws if it does not
  // start listening within 10 s, with the process's output in the message.
  explicit ReviewbotProcess(std::map<std::string, std::string> env);
  ~ReviewbotProcess();
  ReviewbotProcess(const ReviewbotProcess&) = delete;
  ReviewbotProcess& operator=(const ReviewbotProcess&) = delete;

  int port() const { return port_; }
  httplib::Client client() const;
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int stop();
  std::string log() const;  // everything the process printed so far

  // Convenience calls.
  httplib::Result post_update(const nlohmann::json& update, const std::string& secret = "");
  httplib::Result post_event(const nlohmann::json& event, const std::string& admin_token);
  httplib::Result get(const std::string& path, const std::string& admin_token);

 private:
  std::string dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs `body` until it returns true or `timeout` passes; returns the last result.
bool eventually(const std::function<bool()>& body,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace reviewbot::testing
