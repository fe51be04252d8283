// GET /v1/stats as plain functions. Stateless; thread-safe (the Store is).
#pragma once

#include <nlohmann/json.hpp>

#include "reviewbot/core/types.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

// {"requests_sent", "responses", "response_rate" (0–1), "average_rating" (null when no
// ratings), "distribution": {"1": n, ..., "5": n}}
nlohmann::json stats_to_json(const core::Stats& stats);

// 200 with stats_to_json; 503 when the store fails.
http::Reply handle_stats(store::OwnerReads& store);

// GET /v1/stats: Access::kAdmin; `store` must outlive the route.
http::Route stats_route(store::OwnerReads& store);

}  // namespace reviewbot::admin
