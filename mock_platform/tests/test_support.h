// Loopback helpers for mock_platform tests: a MockServer on a free port with a client, a
// webhook receiver that records what it gets and answers as told, and eventually() to
// poll for a condition with a deadline instead of sleeping.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mock_platform/options.h"
#include "mock_platform/server.h"

namespace mock_platform::testing {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

struct Reply {
  int status = 0;  // 0 when the request failed at the network level
  Json body;
};

inline Reply to_reply(const httplib::Result& res) {
  if (!res) return {};
  auto body = Json::parse(res->body, nullptr, false);
  return {res->status, body.is_discarded() ? Json(res->body) : body};
}

// A MockServer on 127.0.0.1:<free port>, served from a background thread.
class TestServer {
 public:
  explicit TestServer(Options options = {}) {
    options.port = 0;
    options.threads = 16;
    options.keep_alive_seconds = 1;
    options.delivery.backoff_initial = 20ms;
    options.delivery.backoff_max = 200ms;
    options.delivery.timeout = 2000ms;
    server_ = std::make_unique<MockServer>(options);
    auto port = server_->bind();
    if (!port) throw std::runtime_error(port.error().description);
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
    eventually([this] { return server_->running(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(10, 0);
  }
  ~TestServer() {
    client_.reset();  // an idle keep-alive connection would hold the server's shutdown
    server_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  httplib::Client& client() { return *client_; }

  // A Bot API call with a JSON body.
  Reply call(const std::string& method, const Json& params = Json::object(),
             const std::string& token = "123:test") {
    const auto body = params.is_null() ? std::string("{}") : params.dump();
    return to_reply(client_->Post("/bot" + token + "/" + method, body, "application/json"));
  }
  Reply post(const std::string& path, const Json& body = Json::object()) {
    return to_reply(
        client_->Post(path, body.is_null() ? std::string("{}") : body.dump(), "application/json"));
  }
  Reply get(const std::string& path) { return to_reply(client_->Get(path)); }
  Reply del(const std::string& path) { return to_reply(client_->Delete(path)); }

  std::int64_t create_user(const std::string& name = "Ann") {
    return post("/_mock/users", {{"name", name}, {"language_code", "en"}}).body["user_id"];
  }
  Reply user_says(std::int64_t user, const std::string& text) {
    return post("/_mock/users/" + std::to_string(user) + "/messages", {{"text", text}});
  }
  Json transcript(std::int64_t chat) { return get("/_mock/chats/" + std::to_string(chat)).body; }

 private:
  std::unique_ptr<MockServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// An HTTP server standing in for the bot's webhook endpoint.
class WebhookReceiver {
 public:
  struct Hit {
    Json update;
    std::string secret;  // X-Telegram-Bot-Api-Secret-Token, "" when absent
    std::chrono::steady_clock::time_point at;
  };
  // Decides the answer to each hit: status and extra headers. Default: 200.
  using Responder = std::function<std::pair<int, httplib::Headers>(const Hit&, int nth)>;

  explicit WebhookReceiver(Responder responder = nullptr) : responder_(std::move(responder)) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    server_.set_keep_alive_timeout(1);  // the simulator's idle connections must not hold stop()
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      Hit hit{Json::parse(req.body, nullptr, false),
              req.get_header_value("X-Telegram-Bot-Api-Secret-Token"),
              std::chrono::steady_clock::now()};
      std::pair<int, httplib::Headers> answer{200, {}};
      Responder responder;
      int nth = 0;
      {
        std::lock_guard lock(mu_);
        hits_.push_back(hit);
        nth = static_cast<int>(hits_.size());
        responder = responder_;
      }
      if (responder) answer = responder(hit, nth);
      res.status = answer.first;
      for (const auto& [k, v] : answer.second) res.set_header(k, v);
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    eventually([this] { return server_.is_running(); });
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Hit> hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return hits_.size();
  }
  void set_responder(Responder responder) {
    std::lock_guard lock(mu_);
    responder_ = std::move(responder);
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Hit> hits_;  // guarded by mu_
  Responder responder_;    // guarded by mu_
};

}  // namespace mock_platform::testing
