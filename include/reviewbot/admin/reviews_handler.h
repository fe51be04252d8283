// GET /v1/reviews as plain functions: query parameters → ReviewFilter (each invalid one
// named in the 400), and a page of reviews → the JSON answer. CSV is in review_csv.h.
// Stateless; thread-safe (the Store is).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "reviewbot/core/types.h"
#include "reviewbot/http/field_result.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

inline constexpr int kMaxReviewPage = 500;
inline constexpr std::size_t kMaxSearchBytes = 200;

struct ReviewQuery {
  store::ReviewFilter filter;
  bool csv = false;          // ?format=csv, or an Accept header naming text/csv
  bool limit_given = false;  // CSV exports everything unless a limit was asked for
};

// Parameters: rating (1–5, exact), min_rating / max_rating (1–5, inclusive: max_rating=2
// is "≤ 2"), trigger (transaction.completed | thank_you), q (text in the comment, the
// customer's name or external id; at most kMaxSearchBytes), since / until (RFC 3339; until
// exclusive), limit (1–500, default 50), cursor (a next_cursor from an earlier page),
// format (json | csv).
// Repeated parameters use the first value. The error's field names the parameter.
// For CSV the same filters apply, but every matching review is exported (all pages)
// unless limit is given, which then caps the rows; cursor starts the export.
http::FieldResult<ReviewQuery> parse_review_query(
    const std::multimap<std::string, std::string>& params, std::string_view accept_header);

// One review in the API shape: id, rating, comment|null, customer{telegram_chat_id,
// external_id, name}, trigger, transaction_id, template, variant, locale, requested_at,
// answered_at (RFC 3339 UTC).
nlohmann::json review_to_json(const core::Review& review);

// 200 {"reviews":[...], "next_cursor": "<id>"|null}; 503 when the store fails.
http::Reply handle_reviews_json(const ReviewQuery& query, store::OwnerReads& store);

// GET /v1/reviews (JSON, or CSV per review_csv.h): Access::kAdmin; `store` must outlive
// the route.
http::Route reviews_route(store::OwnerReads& store);

}  // namespace reviewbot::admin
