#include "integration/mock_platform_process.h"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

namespace reviewbot::testing {

using nlohmann::json;

namespace {

std::string mock_binary() {
  const char* v = std::getenv("MOCK_PLATFORM_BIN");
  return v && *v ? v : REVIEWBOT_DEFAULT_MOCK_BIN;
}

std::vector<std::string> mock_args(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--port", "0", "--token", kMockToken};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

MockPlatform::MockPlatform(const std::vector<std::string>& extra_args)
    : process_(mock_binary(), mock_args(extra_args), {{"PATH", "/usr/bin:/bin"}},
               dir_.path() + "/mock.log") {}

std::string MockPlatform::url() const {
  return "http://127.0.0.1:" + std::to_string(process_.port());
}

json MockPlatform::call(const std::string& method, const std::string& path, const json& body) {
  httplib::Client c("127.0.0.1", process_.port());
  c.set_read_timeout(std::chrono::seconds(10));
  const std::string payload = body.is_null() ? "" : body.dump();
  auto res = method == "GET"      ? c.Get(path.c_str())
             : method == "DELETE" ? c.Delete(path.c_str())
                                  : c.Post(path.c_str(), payload, "application/json");
  REQUIRE(res);
  INFO(method << " " << path << " → " << res->status << " " << res->body);
  REQUIRE(res->status / 100 == 2);
  return json::parse(res->body);
}

int64_t MockPlatform::new_user(const std::string& name, const std::string& lang) {
  return call("POST", "/_mock/users", {{"name", name}, {"language_code", lang}})["user_id"];
}

void MockPlatform::say(int64_t user, const std::string& text) {
  call("POST", "/_mock/users/" + std::to_string(user) + "/messages", {{"text", text}});
}

void MockPlatform::press(int64_t user, int64_t message_id, const std::string& data) {
  call("POST", "/_mock/users/" + std::to_string(user) + "/press",
       {{"message_id", message_id}, {"callback_data", data}});
}

void MockPlatform::fault(const json& rule) { call("POST", "/_mock/faults", rule); }

json MockPlatform::bot_messages(int64_t user, std::size_t n, std::chrono::milliseconds timeout) {
  json out = json::array();
  eventually(
      [&] {
        out = json::array();
        const json chat = call("GET", "/_mock/chats/" + std::to_string(user));
        for (const auto& m : chat["messages"]) {
          if (m["from"] == "bot") out.push_back(m);
        }
        return out.size() >= n;
      },
      timeout);
  return out;
}

json MockPlatform::stats() { return call("GET", "/_mock/stats"); }

}  // namespace reviewbot::testing
