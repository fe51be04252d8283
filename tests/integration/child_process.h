// A server executable started for a test: stdout and stderr go to a log file, and the
// constructor waits until the process logs a line with "listening" and "port":N.
// Destruction sends SIGTERM, then SIGKILL after a deadline. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace reviewbot::testing {

class ChildProcess {
 public:
  // Throws std::runtime_error (with the process's output) if it does not log its port
  // within 10 s. `env` is the whole environment of the child, but for the sanitizers'
  // option variables (ASAN_OPTIONS, ...), passed on from this process when `env` has none.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends `signal` and waits up to 10 s (then SIGKILL); returns the exit code or -1.
  int stop(int signal);
  std::string log() const;

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs `body` until it returns true or `timeout` passes; returns whether it did.
bool eventually(const std::function<bool()>& body,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A new empty directory under /tmp, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace reviewbot::testing
