// PgStore's owner reads: reviews (rated conversations), stats and outbox counts.
#include <algorithm>

#include "pg_detail.h"
#include "row_codec.h"

namespace reviewbot::store::pg_detail {

ReviewPage list_reviews(pg::Connection& c, const std::string& business,
                        const ReviewFilter& filter) {
  const int limit = std::clamp(filter.limit, 1, 500);
  std::vector<pg::Param> params = {business};
  std::string sql =
      "SELECT c.id, c.rating, c.comment, COALESCE(NULLIF(c.chat_id, 0), cu.chat_id), "
      "cu.external_id, cu.name, c.trigger_type, c.transaction_id, c.template_name, c.variant, "
      "c.locale, c.requested_at, COALESCE(c.answered_at, c.requested_at), cu.telegram_name, "
      "cu.username, c.amount, c.currency, c.items, c.handled_at "
      "FROM conversations c JOIN customers cu ON cu.id = c.customer_id "
      "WHERE c.business_id = $1 AND c.rating IS NOT NULL";
  const auto add = [&](const char* condition, pg::Param value) {
    params.push_back(std::move(value));
    sql += std::string(" AND ") + condition + " $" + std::to_string(params.size());
  };
  if (filter.id) add("c.id =", *filter.id);
  if (filter.rating) add("c.rating =", *filter.rating);
  if (filter.min_rating) add("c.rating >=", *filter.min_rating);
  if (filter.max_rating) add("c.rating <=", *filter.max_rating);
  if (filter.trigger) add("c.trigger_type =", std::string(core::to_string(*filter.trigger)));
  if (!filter.search.empty()) {
    params.push_back(codec::like_pattern(filter.search));
    const std::string p = "$" + std::to_string(params.size());
    sql += " AND (c.comment ILIKE " + p + " OR cu.name ILIKE " + p + " OR cu.telegram_name ILIKE " +
           p + " OR cu.external_id ILIKE " + p + ")";
  }
  if (filter.since) add("c.answered_at >=", core::to_millis(*filter.since));
  if (filter.until) add("c.answered_at <", core::to_millis(*filter.until));
  if (filter.after_id) add("c.id <", *filter.after_id);
  params.emplace_back(limit + 1);  // one more tells whether there is a next page
  sql += " ORDER BY c.id DESC LIMIT $" + std::to_string(params.size());

  const auto r = run(c, sql, params);
  ReviewPage page;
  for (int i = 0; i < r.rows(); ++i) {
    if (static_cast<int>(page.reviews.size()) == limit) {
      page.next_cursor = page.reviews.back().id;
      break;
    }
    core::Review review;
    review.id = int64_at(r, i, 0);
    review.rating = static_cast<int>(int64_at(r, i, 1));
    review.comment = r.value(i, 2);
    review.chat_id = opt_int64_at(r, i, 3);
    review.external_id = r.value(i, 4);
    review.customer_name = r.text(i, 5);
    review.trigger = codec::trigger_from_string(r.text(i, 6));
    review.transaction_id = r.value(i, 7);
    review.template_name = r.text(i, 8);
    review.variant = r.text(i, 9);
    review.locale = r.text(i, 10);
    review.requested_at = time_at(r, i, 11);
    review.answered_at = time_at(r, i, 12);
    review.telegram_name = r.text(i, 13);
    review.username = r.text(i, 14);
    review.amount = opt_double_at(r, i, 15);
    review.currency = r.text(i, 16);
    try {
      review.items = codec::items_from_json(r.text(i, 17));
    } catch (const std::runtime_error& e) {
      throw Failure(pg::Error{pg::ErrorCode::kOther, "", e.what()});
    }
    review.handled_at = opt_time_at(r, i, 18);
    page.reviews.push_back(std::move(review));
  }
  return page;
}

std::vector<WeekRatings> weekly_ratings(pg::Connection& c, const std::string& business,
                                        core::Time end, int weeks) {
  const core::Time start = end - weeks * kWeek;
  const auto r = run(c,
                     "SELECT (answered_at - $2) / $4, COUNT(*), SUM(rating) FROM conversations "
                     "WHERE business_id = $1 AND rating IS NOT NULL AND answered_at >= $2 AND "
                     "answered_at < $3 GROUP BY 1",
                     {business, core::to_millis(start), core::to_millis(end),
                      static_cast<int64_t>(kWeek.count())});
  std::vector<std::array<int64_t, 3>> rows;
  for (int i = 0; i < r.rows(); ++i) {
    rows.push_back({int64_at(r, i, 0), int64_at(r, i, 1), int64_at(r, i, 2)});
  }
  return codec::weeks_from(end, weeks, rows);
}

core::Stats stats(pg::Connection& c, const std::string& business) {
  const auto sent = run(c,
                        "SELECT COUNT(DISTINCT conversation_id) FROM outbox WHERE business_id = $1 "
                        "AND kind = 'request' AND status = 'sent'",
                        {business});
  const auto rated = run(c,
                         "SELECT rating, COUNT(*) FROM conversations WHERE business_id = $1 AND "
                         "rating IS NOT NULL GROUP BY rating",
                         {business});
  std::vector<std::pair<int, int64_t>> counts;
  for (int i = 0; i < rated.rows(); ++i) {
    counts.emplace_back(static_cast<int>(int64_at(rated, i, 0)), int64_at(rated, i, 1));
  }
  return codec::stats_from(int64_at(sent, 0, 0), counts);
}

OutboxStats outbox_stats(pg::Connection& c, const std::string& business, core::Time now) {
  // One statement, so one snapshot; each part reads a partial index.
  const auto r = run(c,
                     "SELECT (SELECT COUNT(*) FROM outbox WHERE business_id = $1 AND "
                     "status = 'pending'), (SELECT COUNT(*) FROM outbox WHERE business_id = $1 "
                     "AND status = 'failed'), (SELECT MIN(due_at) FROM outbox WHERE "
                     "business_id = $1 AND status = 'pending')",
                     {business});
  OutboxStats stats;
  stats.pending = int64_at(r, 0, 0);
  stats.failed = int64_at(r, 0, 1);
  if (const auto oldest = opt_time_at(r, 0, 2)) {
    stats.oldest_due_age = std::max(core::Duration{0}, now - *oldest);
  }
  return stats;
}

}  // namespace reviewbot::store::pg_detail
