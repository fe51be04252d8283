#include "reviewbot/admin/stats_handler.h"

#include <spdlog/spdlog.h>

#include <string>

namespace reviewbot::admin {

nlohmann::json stats_to_json(const core::Stats& stats) {
  nlohmann::json distribution = nlohmann::json::object();
  for (int rating = 1; rating <= 5; ++rating) {
    distribution[std::to_string(rating)] = stats.distribution[rating - 1];
  }
  return {{"requests_sent", stats.requests_sent},
          {"responses", stats.responses},
          {"response_rate", stats.response_rate},
          {"average_rating",
           stats.average_rating ? nlohmann::json(*stats.average_rating) : nlohmann::json(nullptr)},
          {"distribution", std::move(distribution)}};
}

http::Reply handle_stats(store::OwnerReads& store) {
  auto stats = store.stats();
  if (!stats) {
    spdlog::warn("stats failed: {}", stats.error().message);
    return http::unavailable_reply("store unavailable, retry later");
  }
  return http::json_reply(200, stats_to_json(*stats));
}

http::Route stats_route(store::OwnerReads& store) {
  return http::Route{http::Route::Method::kGet, "/v1/stats", http::Access::kAdmin, false,
                     [&store](const http::Request&) { return handle_stats(store); }};
}

}  // namespace reviewbot::admin
