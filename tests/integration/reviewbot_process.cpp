#include "integration/reviewbot_process.h"

#include <signal.h>

#include <cstdlib>

namespace reviewbot::testing {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

ReviewbotProcess::ReviewbotProcess(std::map<std::string, std::string> env, std::string data_dir) {
  if (data_dir.empty()) data_dir = dir_.path();
  database_path_ = data_dir + "/reviewbot.db";
  std::map<std::string, std::string> full = {
      {"PORT", "0"},
      // One instance that restarts (PORT=0 would name each process apart): a restart
      // settles its own claims at once. Tests of several instances name each one.
      {"INSTANCE_ID", "test-instance"},
      {"DATABASE_URL", "sqlite://" + database_path_},
      {"TEMPLATES_DIR", env_or("REVIEWBOT_TEMPLATES_DIR", REVIEWBOT_DEFAULT_TEMPLATES_DIR)},
      {"LOG_FORMAT", "json"},
      {"LOG_LEVEL", "debug"},
      {"QUIET_HOURS", ""},
      {"PATH", env_or("PATH", "/usr/bin:/bin")},
  };
  for (auto& [k, v] : env) full[k] = v;
  process_ = std::make_unique<ChildProcess>(env_or("REVIEWBOT_BIN", REVIEWBOT_DEFAULT_BIN),
                                            std::vector<std::string>{}, full,
                                            dir_.path() + "/reviewbot.log");
}

httplib::Client ReviewbotProcess::client() const {
  httplib::Client c("127.0.0.1", port());
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

void warm_up_http_client(int port) { httplib::Client("127.0.0.1", port).Get("/healthz"); }

double metric_sample(const std::string& page, const std::string& name) {
  const auto at = page.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(page.substr(at + name.size() + 2));
}

}  // namespace reviewbot::testing
