// SqliteStore's admin reads: reviews (rated conversations), stats and outbox counts.
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>

#include "reviewbot/store/sqlite_store.h"
#include "sqlite_detail.h"

namespace reviewbot::store {

using sqlite_detail::Stmt;

core::Result<std::vector<WeekRatings>> SqliteStore::weekly_ratings(core::Time end, int weeks) {
  weeks = std::clamp(weeks, 1, 520);
  const core::Time start = end - weeks * kWeek;
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(
        "SELECT (answered_at - ?1) / ?3, COUNT(*), SUM(rating) FROM conversations WHERE "
        "rating IS NOT NULL AND answered_at >= ?1 AND answered_at < ?2 GROUP BY 1");
    sqlite_detail::bind_time(*s, 1, start);
    sqlite_detail::bind_time(*s, 2, end);
    s->bind(3, static_cast<int64_t>(kWeek.count()));
    std::vector<std::array<int64_t, 3>> rows;
    while (s->executeStep()) {
      rows.push_back(
          {s->getColumn(0).getInt64(), s->getColumn(1).getInt64(), s->getColumn(2).getInt64()});
    }
    return codec::weeks_from(end, weeks, rows);
  } catch (const std::exception& e) {
    return core::Error{std::string("reading the weekly trend failed: ") + e.what()};
  }
}

core::Result<ReviewPage> SqliteStore::list_reviews(const ReviewFilter& filter) {
  const int limit = std::clamp(filter.limit, 1, 500);
  // Only the filters in use are in the SQL, so each combination gets its own cached plan.
  std::string sql =
      "SELECT c.id, c.rating, c.comment, COALESCE(NULLIF(c.chat_id, 0), cu.chat_id), "
      "cu.external_id, cu.name, c.trigger_type, c.transaction_id, c.template_name, c.variant, "
      "c.locale, c.requested_at, COALESCE(c.answered_at, c.requested_at), cu.telegram_name, "
      "cu.username, c.amount, c.currency, c.items, c.handled_at "
      "FROM conversations c JOIN customers cu ON cu.id = c.customer_id "
      "WHERE c.rating IS NOT NULL";
  if (filter.id) sql += " AND c.id = :id";
  if (filter.rating) sql += " AND c.rating = :rating";
  if (filter.min_rating) sql += " AND c.rating >= :min_rating";
  if (filter.max_rating) sql += " AND c.rating <= :max_rating";
  if (filter.trigger) sql += " AND c.trigger_type = :trigger";
  if (!filter.search.empty()) {
    sql +=
        " AND (c.comment LIKE :search ESCAPE '\\' OR cu.name LIKE :search ESCAPE '\\' OR "
        "cu.telegram_name LIKE :search ESCAPE '\\' OR cu.external_id LIKE :search ESCAPE '\\')";
  }
  if (filter.since) sql += " AND c.answered_at >= :since";
  if (filter.until) sql += " AND c.answered_at < :until";
  if (filter.after_id) sql += " AND c.id < :after";
  sql += " ORDER BY c.id DESC LIMIT :limit";

  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(sql);
    if (filter.id) s->bind(":id", static_cast<int64_t>(*filter.id));
    if (filter.rating) s->bind(":rating", *filter.rating);
    if (filter.min_rating) s->bind(":min_rating", *filter.min_rating);
    if (filter.max_rating) s->bind(":max_rating", *filter.max_rating);
    if (filter.trigger) s->bind(":trigger", core::to_string(*filter.trigger));
    if (!filter.search.empty()) s->bind(":search", codec::like_pattern(filter.search));
    if (filter.since) s->bind(":since", static_cast<int64_t>(core::to_millis(*filter.since)));
    if (filter.until) s->bind(":until", static_cast<int64_t>(core::to_millis(*filter.until)));
    if (filter.after_id) s->bind(":after", static_cast<int64_t>(*filter.after_id));
    s->bind(":limit", limit + 1);  // one more tells whether there is a next page

    ReviewPage page;
    while (s->executeStep()) {
      if (static_cast<int>(page.reviews.size()) == limit) {
        page.next_cursor = page.reviews.back().id;
        break;
      }
      core::Review r;
      r.id = s->getColumn(0).getInt64();
      r.rating = s->getColumn(1).getInt();
      r.comment = sqlite_detail::column_opt_text(*s, 2);
      r.chat_id = sqlite_detail::column_opt_int64(*s, 3);
      r.external_id = sqlite_detail::column_opt_text(*s, 4);
      r.customer_name = s->getColumn(5).getString();
      r.trigger = sqlite_detail::trigger_from_string(s->getColumn(6).getString());
      r.transaction_id = sqlite_detail::column_opt_text(*s, 7);
      r.template_name = s->getColumn(8).getString();
      r.variant = s->getColumn(9).getString();
      r.locale = s->getColumn(10).getString();
      r.requested_at = core::from_millis(s->getColumn(11).getInt64());
      r.answered_at = core::from_millis(s->getColumn(12).getInt64());
      r.telegram_name = s->getColumn(13).getString();
      r.username = s->getColumn(14).getString();
      if (!s->isColumnNull(15)) r.amount = s->getColumn(15).getDouble();
      r.currency = s->getColumn(16).getString();
      r.items = codec::items_from_json(s->getColumn(17).getString());
      if (auto at = sqlite_detail::column_opt_int64(*s, 18)) r.handled_at = core::from_millis(*at);
      page.reviews.push_back(std::move(r));
    }
    return page;
  } catch (const std::exception& e) {
    return core::Error{std::string("listing reviews failed: ") + e.what()};
  }
}

core::Result<core::Stats> SqliteStore::stats() {
  auto [c, lock] = reader();
  try {
    // One read transaction, so the numbers agree with each other.
    SQLite::Transaction tx(c.db());
    int64_t requests_sent = 0;
    {
      Stmt s = c.stmt(
          "SELECT COUNT(DISTINCT conversation_id) FROM outbox "
          "WHERE kind = 'request' AND status = 'sent'");
      s->executeStep();
      requests_sent = s->getColumn(0).getInt64();
    }
    std::vector<std::pair<int, int64_t>> counts;
    {
      Stmt s = c.stmt(
          "SELECT rating, COUNT(*) FROM conversations WHERE rating IS NOT NULL GROUP BY rating");
      while (s->executeStep())
        counts.emplace_back(s->getColumn(0).getInt(), s->getColumn(1).getInt64());
    }
    const core::Stats stats = codec::stats_from(requests_sent, counts);
    tx.commit();
    return stats;
  } catch (const std::exception& e) {
    return core::Error{std::string("computing stats failed: ") + e.what()};
  }
}

core::Result<OutboxStats> SqliteStore::outbox_stats(core::Time now) {
  auto [c, lock] = reader();
  try {
    // One statement, so one read snapshot. The counts scan the partial indexes
    // outbox_pending_by_chat and outbox_failed; MIN is one seek in outbox_pending_by_due.
    Stmt s = c.stmt(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending'), "
        "(SELECT COUNT(*) FROM outbox WHERE status = 'failed'), "
        "(SELECT MIN(due_at) FROM outbox WHERE status = 'pending')");
    s->executeStep();
    OutboxStats stats;
    stats.pending = s->getColumn(0).getInt64();
    stats.failed = s->getColumn(1).getInt64();
    if (const auto oldest = sqlite_detail::column_opt_int64(*s, 2)) {
      stats.oldest_due_age = std::max(core::Duration{0}, now - core::from_millis(*oldest));
    }
    return stats;
  } catch (const std::exception& e) {
    return core::Error{std::string("reading outbox counts failed: ") + e.what()};
  }
}

core::Result<std::vector<RecentSend>> SqliteStore::sent_since(core::Time since) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(
        "SELECT chat_id, sent_at FROM outbox WHERE status = 'sent' AND sent_at >= ? "
        "ORDER BY sent_at");  // the index outbox_sent_at
    sqlite_detail::bind_time(*s, 1, since);
    std::vector<RecentSend> out;
    while (s->executeStep()) {
      out.push_back({s->getColumn(0).getInt64(), core::from_millis(s->getColumn(1).getInt64())});
    }
    return out;
  } catch (const std::exception& e) {
    return core::Error{std::string("reading recent sends failed: ") + e.what()};
  }
}

}  // namespace reviewbot::store
