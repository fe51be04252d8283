// Starts the real mock_platform executable (MOCK_PLATFORM_BIN, default: the one built
// here) on a free loopback port and wraps its /_mock control API for tests: simulated
// customers, presses, transcripts, stats and faults. Stopped on destruction. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/child_process.h"

namespace reviewbot::testing {

// The token both processes share in these tests.
inline constexpr const char* kMockToken = "424242:mock-token";

// A loopback port that was free a moment ago (for a process that must know its own URL
// before it starts).
int free_port();

class MockPlatform {
 public:
  // `extra_args` are added to --port 0 --token kMockToken (e.g. {"--rate-limits"}).
  explicit MockPlatform(const std::vector<std::string>& extra_args = {});

  std::string url() const;
  int port() const { return process_.port(); }

  // A control API call that must answer 2xx; returns its JSON. GET when body is null and
  // method is "GET"; otherwise the method with the JSON body.
  nlohmann::json call(const std::string& method, const std::string& path,
                      const nlohmann::json& body = nullptr);

  int64_t new_user(const std::string& name, const std::string& lang);
  void say(int64_t user, const std::string& text);
  void press(int64_t user, int64_t message_id, const std::string& data);
  // Adds a fault rule (POST /_mock/faults).
  void fault(const nlohmann::json& rule);
  // The chat's bot messages once there are at least n of them (fewer after `timeout`).
  nlohmann::json bot_messages(int64_t user, std::size_t n,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  nlohmann::json stats();
  std::string log() const { return process_.log(); }

 private:
  TempDir dir_;
  ChildProcess process_;
};

}  // namespace reviewbot::testing
