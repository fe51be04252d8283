// The demo till: turns a sale rung up on the browser page into reviewbot's
// transaction.completed event and POSTs it to reviewbot's /v1/events with the admin bearer,
// so the page needs no cross-origin call. Holds a reference to the Bot (for the customer's
// name and language). Thread-safe; each sale uses its own HTTP client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mock_platform/bot.h"
#include "mock_platform/control_api.h"

namespace mock_platform {

struct TillOptions {
  std::string reviewbot_url = "http://127.0.0.1:8080";  // base URL; events go to <url>/v1/events
  std::string admin_token;                              // bearer; empty sends no header
  std::chrono::milliseconds timeout{10000};             // connect + read
};

// The sale the page sends: {"user_id", "amount"?, "item"?, "category"?, "currency"?}.
struct Sale {
  std::int64_t user_id = 0;
  double amount = 4.5;
  std::string item = "Latte";
  std::string category = "coffee";
  std::string currency = "USD";
};

// The reviewbot event for `sale` by `user` (a transcript's "user" object), with event id
// `id`, transaction id "T-<id>", and `occurred_at` (RFC 3339 UTC).
nlohmann::json sale_event(const Sale& sale, const nlohmann::json& user, const std::string& id,
                          const std::string& occurred_at);

class Till {
 public:
  Till(Bot& bot, TillOptions options);

  // POST /_mock/till. Answers reviewbot's status with
  // {"status": <reviewbot status>, "body": <its JSON, or text>, "event": <what was sent>};
  // 400 for a bad sale, 404 for an unknown customer, 502 {"error"} when reviewbot cannot be
  // reached (the error names the URL).
  ControlReply complete_sale(std::string_view body);

 private:
  std::string next_event_id();

  Bot& bot_;
  const TillOptions options_;
  std::atomic<std::int64_t> sequence_{0};
};

}  // namespace mock_platform
