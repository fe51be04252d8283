// Command-line and environment configuration of the mock_platform executable: a plain
// struct with documented defaults, parsed and checked once at startup. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mock_platform/fault_injector.h"
#include "mock_platform/rate_enforcer.h"
#include "mock_platform/result.h"
#include "mock_platform/till.h"
#include "mock_platform/webhook_deliverer.h"

namespace mock_platform {

struct Options {
  std::string host = "127.0.0.1";                   // --host
  int port = 8081;                                  // --port, env MOCK_PORT; 0 = any free port
  std::optional<std::string> token;                 // --token: the only token accepted
  std::string bot_username = "reviewbot_demo_bot";  // --bot-username
  std::string owner_name = "Shop owner";            // --owner-name: user 1000000; "" = none
  int threads = 128;                                // --threads: HTTP worker threads
  int keep_alive_seconds = 30;    // --keep-alive-seconds: how long an idle connection stays
  DeliveryOptions delivery;       // --webhook-timeout-ms, --backoff-*-ms
  int max_poll_seconds = 50;      // --max-poll-seconds: getUpdates timeout cap
  std::vector<FaultRule> faults;  // --fault JSON (repeatable)
  std::uint64_t seed = 42;        // --seed: fault randomness
  RateRules rate;                 // --rate-limits, --rate-limit-per-bot, ...-chat-interval-ms
  TillOptions till;               // --reviewbot-url (env REVIEWBOT_URL),
                                  // --reviewbot-admin-token (env ADMIN_TOKEN)
  bool help = false;              // --help
};

// The environment variables the options read; null = unset.
struct OptionsEnv {
  const char* mock_port = nullptr;      // MOCK_PORT
  const char* reviewbot_url = nullptr;  // REVIEWBOT_URL
  const char* admin_token = nullptr;    // ADMIN_TOKEN
};

// Parses `args` (without the program name); a flag wins over its variable in `env`.
// Errors (400) name the flag or variable and the accepted form.
Result<Options> parse_options(const std::vector<std::string>& args, const OptionsEnv& env);

// The numeric bot id a "123456:ABC…" token starts with, if any (getMe reports it).
std::optional<std::int64_t> token_bot_id(const std::string& token);

// The --help text: every flag and environment variable.
std::string usage();

}  // namespace mock_platform
