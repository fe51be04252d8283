#include "integration/child_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace reviewbot::testing {
namespace {

constexpr const char* kSanitizerOptions[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                                             "TSAN_OPTIONS"};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The port from the first line that says "listening" and carries "port":N, or 0.
int listening_port(const std::string& output) {
  static const std::regex port(R"("port":\s*(\d+))");
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line.find("listening") != std::string::npos && std::regex_search(line, m, port)) {
      return std::stoi(m[1]);
    }
  }
  return 0;
}

}  // namespace

bool eventually(const std::function<bool()>& body, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (body()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::string& log_path)
    : log_path_(log_path) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  // Sanitizer builds: the child reports the way the test run asked (scripts/test writes
  // every report to a folder it checks after the run, since the child's log is deleted).
  for (const char* name : kSanitizerOptions) {
    const char* value = std::getenv(name);
    if (value != nullptr && !env.contains(name))
      env_strings.push_back(std::string(name) + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  std::fflush(nullptr);  // else the child flushes the parent's buffered output again
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (std::freopen(log_path_.c_str(), "w", stdout)) dup2(fileno(stdout), STDERR_FILENO);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  const bool up = eventually([&] {
    port_ = listening_port(read_file(log_path_));
    int status = 0;
    return port_ != 0 || waitpid(pid_, &status, WNOHANG) == pid_;
  });
  if (!up || port_ == 0) {
    const std::string out = log();
    stop(SIGKILL);
    throw std::runtime_error(binary + " did not start:\n" + out);
  }
}

ChildProcess::~ChildProcess() { stop(SIGTERM); }

int ChildProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  if (!eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; })) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ChildProcess::log() const { return read_file(log_path_); }

TempDir::TempDir() {
  char dir_template[] = "/tmp/reviewbot-it-XXXXXX";
  if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
  path_ = dir_template;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace reviewbot::testing
