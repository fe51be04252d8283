#include "reviewbot/admin/reviews_handler.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "reviewbot/admin/review_csv.h"
#include "reviewbot/http/rfc3339.h"

namespace reviewbot::admin {
namespace {

using http::FieldError;

const std::string* param(const std::multimap<std::string, std::string>& params, const char* name) {
  const auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

// Whole-string decimal integer.
std::optional<int64_t> to_int(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

bool wants_csv(std::string_view accept) {
  return accept.find("text/csv") != std::string_view::npos;
}

template <class T>
nlohmann::json nullable(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

http::FieldResult<ReviewQuery> parse_review_query(
    const std::multimap<std::string, std::string>& params, std::string_view accept_header) {
  ReviewQuery query;
  if (const auto* v = param(params, "rating")) {
    const auto rating = to_int(*v);
    if (!rating || *rating < 1 || *rating > 5) {
      return FieldError{"rating must be an integer from 1 to 5", "rating"};
    }
    query.filter.rating = static_cast<int>(*rating);
  }
  for (const char* name : {"min_rating", "max_rating"}) {
    if (const auto* v = param(params, name)) {
      const auto rating = to_int(*v);
      if (!rating || *rating < 1 || *rating > 5) {
        return FieldError{std::string(name) + " must be an integer from 1 to 5", name};
      }
      (std::string_view(name) == "min_rating" ? query.filter.min_rating : query.filter.max_rating) =
          static_cast<int>(*rating);
    }
  }
  if (const auto* v = param(params, "trigger")) {
    if (*v == core::to_string(core::Trigger::kTransactionCompleted)) {
      query.filter.trigger = core::Trigger::kTransactionCompleted;
    } else if (*v == core::to_string(core::Trigger::kThankYou)) {
      query.filter.trigger = core::Trigger::kThankYou;
    } else {
      return FieldError{"trigger must be transaction.completed or thank_you", "trigger"};
    }
  }
  if (const auto* v = param(params, "q")) {
    if (v->size() > kMaxSearchBytes) {
      return FieldError{"q must be at most " + std::to_string(kMaxSearchBytes) + " bytes", "q"};
    }
    query.filter.search = *v;
  }
  for (const char* name : {"since", "until"}) {
    if (const auto* v = param(params, name)) {
      const auto t = http::parse_rfc3339(*v);
      if (!t) {
        return FieldError{
            std::string(name) + " must be an RFC 3339 time such as 2026-11-22T10:00:00Z", name};
      }
      (std::string_view(name) == "since" ? query.filter.since : query.filter.until) = *t;
    }
  }
  if (const auto* v = param(params, "limit")) {
    const auto limit = to_int(*v);
    if (!limit || *limit < 1 || *limit > kMaxReviewPage) {
      return FieldError{"limit must be an integer from 1 to 500", "limit"};
    }
    query.filter.limit = static_cast<int>(*limit);
    query.limit_given = true;
  }
  if (const auto* v = param(params, "cursor")) {
    const auto cursor = to_int(*v);
    if (!cursor || *cursor < 1) return FieldError{"cursor is not a valid next_cursor", "cursor"};
    query.filter.after_id = *cursor;
  }
  if (const auto* v = param(params, "format")) {
    if (*v != "json" && *v != "csv") return FieldError{"format must be json or csv", "format"};
    query.csv = *v == "csv";
  } else {
    query.csv = wants_csv(accept_header);
  }
  return query;
}

nlohmann::json review_to_json(const core::Review& r) {
  return {{"id", r.id},
          {"rating", r.rating},
          {"comment", nullable(r.comment)},
          {"customer",
           {{"telegram_chat_id", nullable(r.chat_id)},
            {"external_id", nullable(r.external_id)},
            {"name", r.customer_name},
            {"telegram_name", r.telegram_name},
            {"username", r.username}}},
          {"trigger", core::to_string(r.trigger)},
          {"transaction_id", nullable(r.transaction_id)},
          {"template", r.template_name},
          {"variant", r.variant},
          {"locale", r.locale},
          {"requested_at", http::format_rfc3339(r.requested_at)},
          {"answered_at", http::format_rfc3339(r.answered_at)}};
}

http::Reply handle_reviews_json(const ReviewQuery& query, store::OwnerReads& store) {
  auto page = store.list_reviews(query.filter);
  if (!page) {
    spdlog::warn("list_reviews failed: {}", page.error().message);
    return http::unavailable_reply("store unavailable, retry later");
  }
  nlohmann::json reviews = nlohmann::json::array();
  for (const auto& review : page->reviews) reviews.push_back(review_to_json(review));
  nlohmann::json cursor = nullptr;
  if (page->next_cursor) cursor = std::to_string(*page->next_cursor);
  return http::json_reply(200, {{"reviews", std::move(reviews)}, {"next_cursor", cursor}});
}

http::Route reviews_route(store::OwnerReads& store) {
  return http::Route{http::Route::Method::kGet, "/v1/reviews", http::Access::kAdmin, false,
                     [&store](const http::Request& req) {
                       auto query = parse_review_query(req.params, req.header("Accept"));
                       if (!query) return http::field_error_reply(query.error());
                       return query->csv ? handle_reviews_csv(*query, store)
                                         : handle_reviews_json(*query, store);
                     }};
}

}  // namespace reviewbot::admin
