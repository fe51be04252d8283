// A Bot API stand-in for client tests: an httplib server on 127.0.0.1 (port chosen by the
// OS) that records every POST /bot<token>/<method> and answers with the test's handler.
// Handlers run on the server's threads; requests() copies the record under a mutex.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace reviewbot::testing {

class LoopbackBotApi {
 public:
  struct Request {
    std::string path;
    std::string body;
    int remote_port = 0;
  };
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit LoopbackBotApi(Handler handler) : handler_(std::move(handler)) {
    server_.Post(R"(/bot[^/]+/\w+)", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back({req.path, req.body, req.remote_port});
      }
      handler_(req, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server_.is_running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        server_.stop();
        thread_.join();
        throw std::runtime_error("loopback server did not start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  ~LoopbackBotApi() {
    server_.stop();
    thread_.join();
  }

  LoopbackBotApi(const LoopbackBotApi&) = delete;
  LoopbackBotApi& operator=(const LoopbackBotApi&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  Handler handler_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;

  mutable std::mutex mu_;  // guards requests_
  std::vector<Request> requests_;
};

}  // namespace reviewbot::testing
