// The dashboard's HTML as pure functions of plain data: the layout, the login form, the
// overview and the review list. Mustache templates compiled once; every string from a
// customer, the shop or the URL is HTML-escaped; charts are inline SVG built from numbers
// only. No scripts and no external fetches (the stylesheet and icon are in assets.h).
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/admin/review_form.h"
#include "reviewbot/core/types.h"
#include "reviewbot/store/owner_desk.h"

namespace reviewbot::admin {

// Who is looking, for the header (logout form) of every page but the login.
struct Viewer {
  std::string account;
  std::string csrf_token;
};

struct PageFrame {
  std::string title;
  std::string business_name;  // "" = none configured
  std::optional<Viewer> viewer;
  // The nav entry: "overview" | "inbox" | "reviews" | "templates" | "delivery" | "alerts" |
  // "accounts".
  std::string current;
};

// The login form. `error` is shown above it when not empty.
std::string login_page(const PageFrame& frame, const std::string& login_csrf,
                       const std::string& account, const std::string& error);

// One week of the overview's trend.
struct TrendWeek {
  core::Time start{};  // UTC midnight starting the 7 days
  int64_t responses = 0;
  std::optional<double> average;  // nullopt without responses
};

// Totals, the distribution and the trend (oldest week first); each bar links to its reviews.
std::string overview_page(const PageFrame& frame, const core::Stats& stats,
                          const std::vector<TrendWeek>& trend);

std::string reviews_page(const PageFrame& frame, const ReviewListForm& form,
                         const std::vector<core::Review>& reviews,
                         std::optional<int64_t> next_cursor, const std::string& error);

// Named accounts with a form to add one and a button to remove each. `notice` (a success)
// or `error` is shown above them.
std::string accounts_page(const PageFrame& frame, const std::vector<std::string>& names,
                          const std::string& notice, const std::string& error);

// The delivery figures the page shows, as labelled numbers.
struct DeliveryHealth {
  std::optional<int64_t> pending, failed;     // nullopt: the outbox could not be read
  std::optional<int64_t> oldest_due_seconds;  // how long the oldest due message has waited
  std::string platform;                       // "up", "down (pausing sends)", "probing"
  std::vector<std::pair<std::string, uint64_t>> counters;  // since this instance started
  std::vector<store::SentMessage> failed_sends;            // the latest given up on
};

std::string delivery_page(const PageFrame& frame, const DeliveryHealth& health);

// A short page with a heading and a sentence (errors: 403, 429, 503).
std::string message_page(const PageFrame& frame, const std::string& text);

}  // namespace reviewbot::admin
