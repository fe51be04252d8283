#include "load/verify.h"

#include <map>
#include <thread>

#include "load/json_client.h"
#include "load/transcript.h"

namespace load {
namespace {

std::int64_t total_calls(const nlohmann::json& calls) {
  std::int64_t n = 0;
  for (const auto& [method, by_status] : calls.items()) {
    for (const auto& [status, count] : by_status.items()) n += count.get<std::int64_t>();
  }
  return n;
}

// Polls /_mock/stats until the Bot API call count has not moved for 300 ms (at most
// 10 s), then records it.
void settle_and_read_mock_stats(JsonClient& mock, Verification& v) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::int64_t last = -1;
  int quiet_polls = 0;
  JsonResponse r;
  while (Clock::now() < deadline && quiet_polls < 3) {
    r = mock.get("/_mock/stats");
    if (!r.ok()) break;
    const std::int64_t now = total_calls(r.body.value("calls", nlohmann::json::object()));
    quiet_polls = now == last ? quiet_polls + 1 : 0;
    last = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!r.ok()) {
    v.errors.push_back("GET /_mock/stats: " + r.describe());
    return;
  }
  v.mock_duplicate_sends = r.body.value("duplicate_sends", std::int64_t{0});
  v.updates_delivered = r.body.value("updates_delivered", std::int64_t{0});
  v.delivery_retries = r.body.value("delivery_retries", std::int64_t{0});
  v.mock_calls = r.body.value("calls", nlohmann::json::object());
}

void check_chats(JsonClient& mock, const std::vector<FlowResult>& flows, Verification& v) {
  for (const auto& f : flows) {
    if (f.chat_id == 0) continue;
    JsonResponse r = mock.get("/_mock/chats/" + std::to_string(f.chat_id));
    if (!r.ok()) {
      v.errors.push_back("GET /_mock/chats/" + std::to_string(f.chat_id) + ": " + r.describe());
      continue;
    }
    const int requests = count_requests(parse_transcript(r.body));
    v.requests_seen += requests;
    if (requests > 1) ++v.chats_with_duplicate_request;
  }
}

void read_stats(JsonClient& reviewbot, Verification& v) {
  JsonResponse r = reviewbot.get("/v1/stats");
  if (!r.ok()) {
    v.errors.push_back("GET /v1/stats: " + r.describe());
    return;
  }
  v.stats_requests_sent = r.body.value("requests_sent", std::int64_t{0});
  v.stats_responses = r.body.value("responses", std::int64_t{0});
  const auto dist = r.body.value("distribution", nlohmann::json::object());
  for (int rating = 1; rating <= 5; ++rating) {
    v.stats_distribution[rating - 1] = dist.value(std::to_string(rating), std::int64_t{0});
  }
}

struct StoredReview {
  int rating = 0;
  std::string comment;
};

// All pages of /v1/reviews, grouped by chat id.
std::map<std::int64_t, std::vector<StoredReview>> read_reviews(JsonClient& reviewbot,
                                                               Verification& v) {
  std::map<std::int64_t, std::vector<StoredReview>> by_chat;
  std::string cursor;
  for (int page = 0; page < 100000; ++page) {
    std::string path = "/v1/reviews?limit=500";
    if (!cursor.empty()) path += "&cursor=" + cursor;
    JsonResponse r = reviewbot.get(path);
    if (!r.ok()) {
      v.errors.push_back("GET " + path + ": " + r.describe());
      break;
    }
    for (const auto& review : r.body.value("reviews", nlohmann::json::array())) {
      ++v.reviews_listed;
      const auto customer = review.value("customer", nlohmann::json::object());
      const auto chat = customer.value("telegram_chat_id", std::int64_t{0});
      const auto comment = review.value("comment", nlohmann::json());
      by_chat[chat].push_back(
          {review.value("rating", 0), comment.is_string() ? comment.get<std::string>() : ""});
    }
    const auto next = r.body.value("next_cursor", nlohmann::json());
    if (!next.is_string() || next.get<std::string>().empty()) break;
    cursor = next.get<std::string>();
  }
  return by_chat;
}

void check_reviews(JsonClient& reviewbot, const std::vector<FlowResult>& flows, Verification& v) {
  const auto by_chat = read_reviews(reviewbot, v);
  for (const auto& [chat, reviews] : by_chat) {
    v.reviews_duplicated += static_cast<int>(reviews.size()) - 1;
  }
  for (const auto& f : flows) {
    if (!f.completed) continue;
    ++v.expected_distribution[f.rating - 1];
    auto it = by_chat.find(f.chat_id);
    if (it == by_chat.end()) {
      ++v.reviews_missing;
      continue;
    }
    const StoredReview& stored = it->second.front();
    if (stored.rating != f.rating || stored.comment != f.comment) ++v.reviews_mismatched;
  }
}

}  // namespace

Verification verify(const Options& options, const std::vector<FlowResult>& flows) {
  Verification v;
  JsonClient mock(options.mock_url);
  JsonClient reviewbot(options.reviewbot_url, options.admin_token);
  settle_and_read_mock_stats(mock, v);
  check_chats(mock, flows, v);
  read_stats(reviewbot, v);
  check_reviews(reviewbot, flows, v);
  if (v.stats_distribution != v.expected_distribution) {
    v.errors.push_back("/v1/stats distribution differs from the ratings pressed");
  }
  return v;
}

}  // namespace load
