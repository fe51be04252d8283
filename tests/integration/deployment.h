// One reviewbot process in front of a fake Bot API, as the end-to-end tests deploy it,
// with the customer's side of the flow: wait for a request, press a rating, comment.
// Not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include "integration/fake_bot_api.h"
#include "integration/reviewbot_process.h"
#include "integration/updates.h"

namespace reviewbot::testing {

using nlohmann::json;

inline constexpr const char* kAdmin = "admin-secret-token";
inline constexpr const char* kReviewUrl = "https://reviews.example/corner-cafe";
inline constexpr int64_t kOwnerChat = 999;

struct Deployment {
  FakeBotApi api;
  ReviewbotProcess bot;

  explicit Deployment(std::map<std::string, std::string> extra = {})
      : bot(with_defaults(api, std::move(extra))) {}

  static std::map<std::string, std::string> with_defaults(const FakeBotApi& api,
                                                          std::map<std::string, std::string> env) {
    std::map<std::string, std::string> base = {
        {"TELEGRAM_BOT_TOKEN", api.token()},
        {"TELEGRAM_API_URL", api.url()},
        {"ADMIN_TOKEN", kAdmin},
        {"REVIEW_URL", kReviewUrl},
        {"OWNER_CHAT_ID", std::to_string(kOwnerChat)},
        {"BUSINESS_NAME", "Corner Cafe"},
    };
    for (auto& [k, v] : env) base[k] = v;
    return base;
  }

  json post_event(const json& event, int expected_status) {
    auto res = bot.post_event(event, kAdmin);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == expected_status);
    return json::parse(res->body);
  }

  void send_update(const json& update) {
    auto res = bot.post_update(update);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
  }

  json get_json(const std::string& path) {
    auto res = bot.get(path, kAdmin);
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  }

  // The sendMessage that carries the five rating buttons, once it arrives.
  ApiCall wait_for_request(int64_t chat) {
    const auto msgs = api.wait_for_messages(chat, 1);
    REQUIRE_FALSE(msgs.empty());
    return msgs.front();
  }
};

inline json rating_row(const ApiCall& request) {
  REQUIRE(request.params.contains("reply_markup"));
  const json& keyboard = request.params["reply_markup"]["inline_keyboard"];
  REQUIRE(keyboard.size() == 1);
  return keyboard[0];
}

inline std::string callback_for_rating(const ApiCall& request, int rating) {
  return rating_row(request)[rating - 1]["callback_data"].get<std::string>();
}

inline int64_t message_id_of(const FakeBotApi& api, int64_t chat, std::size_t index) {
  // The fake numbers messages in send order starting at 100, across all chats.
  int64_t id = 100;
  for (auto& c : api.calls("sendMessage")) {
    if (c.params["chat_id"] == chat && index-- == 0) return id;
    ++id;
  }
  FAIL("no such message");
  return 0;
}

inline std::string skip_data(const ApiCall& prompt) {
  return prompt.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"].get<std::string>();
}

// Rates the first request of `chat`, then comments (or skips when comment is empty).
inline void answer_request(Deployment& d, int64_t chat, int rating, const std::string& comment,
                           int64_t first_update_id) {
  const ApiCall request = d.wait_for_request(chat);
  d.send_update(button_press(first_update_id, chat, message_id_of(d.api, chat, 0),
                             callback_for_rating(request, rating)));
  const auto prompt = d.api.wait_for_messages(chat, 2);
  REQUIRE(prompt.size() >= 2);
  if (comment.empty()) {
    d.send_update(button_press(first_update_id + 1, chat, message_id_of(d.api, chat, 1),
                               skip_data(prompt[1])));
  } else {
    d.send_update(text_message(first_update_id + 1, chat, comment));
  }
  REQUIRE(d.api.wait_for_messages(chat, 3).size() >= 3);
}

}  // namespace reviewbot::testing
