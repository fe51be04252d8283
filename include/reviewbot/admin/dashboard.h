// The owner's dashboard under /admin: login and logout, the overview, the review list
// (with its CSV), delivery health and accounts (the inbox, review pages, templates and
// alerts are admin/desk.h). Every page but the login needs a session cookie (rb_session: HttpOnly,
// SameSite=Lax, Path=/admin, Secure when the request came over HTTPS as X-Forwarded-Proto
// says, as on Heroku) or, for a script reading a page, "Authorization: Bearer
// <ADMIN_TOKEN>"; without either a page redirects to the login. Every form carries a
// CSRF token: the session's, or for the login form a token in a short-lived cookie of its
// own (double submit). Every answer carries Content-Security-Policy (no scripts, nothing
// from elsewhere), X-Frame-Options: DENY, nosniff and no-store.
// Stateless routes over thread-safe parts.
#pragma once

#include <string>

#include "reviewbot/admin/metrics.h"
#include "reviewbot/admin/owner_login.h"
#include "reviewbot/admin/page_guard.h"
#include "reviewbot/core/clock.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/owner_desk.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

inline constexpr const char* kLoginCookie = "rb_login";

// All must outlive the routes.
struct DashboardSources {
  store::OwnerReads& store;
  store::OwnerDesk& desk;  // the delivery page's failed sends
  OwnerLogin& login;
  const core::Clock& clock;  // "today" for the overview's trend
  MetricsFn metrics;         // the delivery page's figures (empty: none)
  std::string business_name;
};

// GET /admin, GET+POST /admin/login, POST /admin/logout, GET /admin/reviews,
// GET /admin/reviews.csv, GET /admin/delivery, GET+POST /admin/accounts,
// POST /admin/accounts/remove, GET /admin/style.css, GET /admin/icon.svg.
http::Routes dashboard_routes(DashboardSources sources);

}  // namespace reviewbot::admin
