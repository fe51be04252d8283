#include "integration/reviewbot_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace reviewbot::testing {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
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

ReviewbotProcess::ReviewbotProcess(std::map<std::string, std::string> env) {
  char dir_template[] = "/tmp/reviewbot-it-XXXXXX";
  if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
  dir_ = dir_template;
  log_path_ = dir_ + "/out.log";

  std::map<std::string, std::string> full = {
      {"PORT", "0"},
      {"DATABASE_URL", "sqlite://" + dir_ + "/reviewbot.db"},
      {"TEMPLATES_DIR", env_or("REVIEWBOT_TEMPLATES_DIR", REVIEWBOT_DEFAULT_TEMPLATES_DIR)},
      {"LOG_FORMAT", "json"},
      {"LOG_LEVEL", "debug"},
      {"QUIET_HOURS", ""},
      {"PATH", env_or("PATH", "/usr/bin:/bin")},
  };
  for (auto& [k, v] : env) full[k] = v;
  std::vector<std::string> env_strings;
  for (auto& [k, v] : full) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  const std::string bin = env_or("REVIEWBOT_BIN", REVIEWBOT_DEFAULT_BIN);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    FILE* out = std::freopen(log_path_.c_str(), "w", stdout);
    if (out) dup2(fileno(stdout), STDERR_FILENO);
    char* argv[] = {const_cast<char*>(bin.c_str()), nullptr};
    execve(bin.c_str(), argv, envp.data());
    _exit(127);
  }

  const std::regex listening(R"("port":\s*(\d+))");
  const bool up = eventually(
      [&] {
        const std::string out = read_file(log_path_);
        std::istringstream lines(out);
        for (std::string line; std::getline(lines, line);) {
          std::smatch m;
          if (line.find("listening") != std::string::npos &&
              std::regex_search(line, m, listening)) {
            port_ = std::stoi(m[1]);
            return true;
          }
        }
        int status = 0;
        return waitpid(pid_, &status, WNOHANG) == pid_;  // exited: stop waiting
      },
      std::chrono::seconds(10));
  if (!up || port_ == 0) {
    const std::string out = log();
    stop();
    throw std::runtime_error("reviewbot did not start:\n" + out);
  }
}

ReviewbotProcess::~ReviewbotProcess() {
  stop();
  std::string cmd = "rm -rf '" + dir_ + "'";
  if (std::system(cmd.c_str()) != 0) {
    // best effort: a leftover temp dir is harmless
  }
}

int ReviewbotProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  const bool exited =
      eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(10));
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReviewbotProcess::log() const { return read_file(log_path_); }

httplib::Client ReviewbotProcess::client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(10));
  return c;
}

httplib::Result ReviewbotProcess::post_update(const nlohmann::json& update,
                                              const std::string& secret) {
  httplib::Headers headers;
  if (!secret.empty()) headers.emplace("X-Telegram-Bot-Api-Secret-Token", secret);
  return client().Post("/webhook/telegram", headers, update.dump(), "application/json");
}

httplib::Result ReviewbotProcess::post_event(const nlohmann::json& event,
                                             const std::string& admin_token) {
  httplib::Headers headers = {{"Authorization", "Bearer " + admin_token}};
  return client().Post("/v1/events", headers, event.dump(), "application/json");
}

httplib::Result ReviewbotProcess::get(const std::string& path, const std::string& admin_token) {
  httplib::Headers headers = {{"Authorization", "Bearer " + admin_token}};
  return client().Get(path, headers);
}

}  // namespace reviewbot::testing
