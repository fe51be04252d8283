// OwnerReads is the owner's read side of the store: reviews, stats and the outbox at a
// glance, for the admin API, the dashboard and /metrics. Reads never block intake for
// long. Implementations are thread-safe; SQL stays inside them.
#pragma once

#include <optional>
#include <vector>

#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::store {

struct ReviewFilter {
  std::optional<int64_t> id;                  // only this review
  std::optional<int> rating;                  // exactly this rating
  std::optional<int> min_rating, max_rating;  // inclusive bounds, e.g. max 2 for "≤ 2"
  std::optional<core::Trigger> trigger;
  // Reviews whose comment, customer name (the shop's or Telegram's) or external id contains
  // this text, letters in either case (SQLite folds only ASCII letters, PostgreSQL all);
  // empty = any.
  std::string search;
  std::optional<core::Time> since, until;  // on answered_at; until is exclusive
  int limit = 50;                          // 1..500
  std::optional<int64_t> after_id;         // cursor: reviews with id < after_id (newest first)
};

struct ReviewPage {
  std::vector<core::Review> reviews;  // newest first
  std::optional<int64_t> next_cursor;
};

// The outbox at a glance, for /metrics.
struct OutboxStats {
  int64_t pending = 0;  // rows not yet sent, failed or cancelled (claimed ones included)
  int64_t failed = 0;   // rows given up on (kept for operators)
  // now - due_at of the pending row that has been due longest; 0 when none is due. It
  // grows while delivery falls behind (retries, rate limits, an open breaker).
  core::Duration oldest_due_age{0};
};

// The reviews answered in one week, for the dashboard's trend.
struct WeekRatings {
  core::Time start{};  // the week is [start, start + 7 days)
  int64_t responses = 0;
  int64_t rating_sum = 0;  // average = rating_sum / responses
  bool operator==(const WeekRatings&) const = default;
};

inline constexpr core::Duration kWeek = std::chrono::hours(24 * 7);

class OwnerReads {
 public:
  virtual ~OwnerReads() = default;

  virtual core::Result<ReviewPage> list_reviews(const ReviewFilter& filter) = 0;
  virtual core::Result<core::Stats> stats() = 0;
  // The `weeks` weeks of 7 days that end at `end` (exclusive), oldest first, each with
  // the reviews answered in it (weeks without any included).
  virtual core::Result<std::vector<WeekRatings>> weekly_ratings(core::Time end, int weeks) = 0;

  // Counts for /metrics as of `now`. Cheap: answered from indexes (no table scan; the
  // counts cost O(pending + failed rows)) and without waiting for writers where the
  // backend allows. Error when the database cannot be read.
  virtual core::Result<OutboxStats> outbox_stats(core::Time now) = 0;
};

}  // namespace reviewbot::store
