#include "integration/fake_bot_api.h"

#include <stdexcept>

namespace reviewbot::testing {

using nlohmann::json;

FakeBotApi::FakeBotApi(std::string token) : token_(std::move(token)) {
  server_.set_tcp_nodelay(true);
  server_.Post(R"(/bot([^/]+)/(\w+))",
               [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake Bot API could not bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

FakeBotApi::~FakeBotApi() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void FakeBotApi::block_chat(int64_t chat_id) {
  std::lock_guard lock(mu_);
  blocked_.insert(chat_id);
}

void FakeBotApi::set_failing(const std::string& method, bool failing) {
  std::lock_guard lock(mu_);
  if (failing) {
    failing_methods_.insert(method);
  } else {
    failing_methods_.erase(method);
  }
}

void FakeBotApi::refuse_chat(int64_t chat_id) {
  std::lock_guard lock(mu_);
  refused_.insert(chat_id);
}

void FakeBotApi::hang_chat(int64_t chat_id) {
  std::lock_guard lock(mu_);
  hung_chats_.insert(chat_id);
}

void FakeBotApi::release_chat(int64_t chat_id) {
  {
    std::lock_guard lock(mu_);
    hung_chats_.erase(chat_id);
  }
  changed_.notify_all();
}

int FakeBotApi::hanging() const {
  std::lock_guard lock(mu_);
  return hanging_;
}

void FakeBotApi::migrate_chat(int64_t old_chat, int64_t new_chat) {
  std::lock_guard lock(mu_);
  migrated_[old_chat] = new_chat;
}

void FakeBotApi::handle(const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.matches[1];
  const std::string method = req.matches[2];
  res.set_header("Content-Type", "application/json");
  if (token != token_) {
    res.status = 401;
    res.body = R"({"ok":false,"error_code":401,"description":"Unauthorized"})";
    return;
  }
  json params = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (params.is_discarded()) params = json::object();

  std::unique_lock lock(mu_);
  if (const int64_t chat = params.value("chat_id", int64_t{0}); hung_chats_.count(chat)) {
    ++hanging_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return stopping_ || !hung_chats_.count(chat); });
    --hanging_;
    res.status = 502;
    res.body = R"({"ok":false,"error_code":502,"description":"Bad Gateway"})";
    return;
  }
  calls_.push_back({method, params, std::chrono::steady_clock::now()});
  changed_.notify_all();
  // Every sendMessage call takes a message id, answered or refused, so a test can tell a
  // message's id from the order of the calls.
  const int64_t message_id = method == "sendMessage" ? next_message_id_++ : 0;

  const int64_t chat = params.contains("chat_id") && params["chat_id"].is_number_integer()
                           ? params["chat_id"].get<int64_t>()
                           : 0;
  if (blocked_.count(chat)) {
    res.status = 403;
    res.body =
        R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})";
    return;
  }
  if (failing_methods_.count(method)) {
    res.status = 502;
    res.body = R"({"ok":false,"error_code":502,"description":"Bad Gateway"})";
    return;
  }
  if (method == "sendMessage" && refused_.count(chat)) {
    res.status = 400;
    res.body = R"({"ok":false,"error_code":400,"description":"Bad Request: message is too long"})";
    return;
  }
  if (const auto moved = migrated_.find(chat); moved != migrated_.end()) {
    res.status = 400;
    res.body = json{{"ok", false},
                    {"error_code", 400},
                    {"description", "Bad Request: group chat was upgraded to a supergroup chat"},
                    {"parameters", {{"migrate_to_chat_id", moved->second}}}}
                   .dump();
    return;
  }
  json result = true;
  if (method == "getMe") {
    result = {{"id", 123456},
              {"is_bot", true},
              {"first_name", "Review"},
              {"username", "test_review_bot"}};
  } else if (method == "sendMessage") {
    result = {{"message_id", message_id},
              {"chat", {{"id", params.value("chat_id", int64_t{0})}}},
              {"text", params.value("text", "")}};
  } else if (method == "editMessageText" || method == "editMessageReplyMarkup") {
    result = {{"message_id", params.value("message_id", int64_t{0})}};
  } else if (method == "getUpdates") {
    result = json::array();
  }
  res.body = json{{"ok", true}, {"result", result}}.dump();
}

std::vector<ApiCall> FakeBotApi::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::vector<ApiCall> FakeBotApi::calls(const std::string& method) const {
  std::vector<ApiCall> out;
  for (auto& c : calls()) {
    if (c.method == method) out.push_back(c);
  }
  return out;
}

std::vector<ApiCall> FakeBotApi::messages_to(int64_t chat_id) const {
  std::vector<ApiCall> out;
  for (auto& c : calls("sendMessage")) {
    if (c.params.value("chat_id", int64_t{0}) == chat_id) out.push_back(c);
  }
  return out;
}

bool FakeBotApi::wait_for(const std::function<bool(const std::vector<ApiCall>&)>& pred,
                          std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return pred(calls_); });
}

std::vector<ApiCall> FakeBotApi::wait_for_messages(int64_t chat_id, std::size_t n,
                                                   std::chrono::milliseconds timeout) const {
  wait_for(
      [&](const std::vector<ApiCall>& calls) {
        std::size_t count = 0;
        for (auto& c : calls) {
          if (c.method == "sendMessage" && c.params.value("chat_id", int64_t{0}) == chat_id) {
            ++count;
          }
        }
        return count >= n;
      },
      timeout);
  return messages_to(chat_id);
}

}  // namespace reviewbot::testing
