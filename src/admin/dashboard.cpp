#include "reviewbot/admin/dashboard.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "reviewbot/admin/assets.h"
#include "reviewbot/admin/page_guard.h"
#include "reviewbot/admin/pages.h"
#include "reviewbot/admin/passwords.h"
#include "reviewbot/admin/review_csv.h"
#include "reviewbot/admin/review_form.h"
#include "reviewbot/admin/reviews_handler.h"
#include "reviewbot/admin/stats_handler.h"
#include "reviewbot/http/auth.h"
#include "reviewbot/http/form.h"

namespace reviewbot::admin {
namespace {

using http::Reply;
using http::Request;

constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";
constexpr int kLoginFormSeconds = 3600;
constexpr int kTrendWeeks = 12;
constexpr int kFailedShown = 20;
constexpr core::Duration kLoginLinkTtl = std::chrono::minutes(10);

bool over_https(const Request& req) { return req.header("X-Forwarded-Proto") == "https"; }

std::string cookie(const Request& req, const char* name, const std::string& value,
                   int max_age_seconds, const char* path) {
  std::string c = std::string(name) + "=" + value + "; Path=" + path +
                  "; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds);
  if (over_https(req)) c += "; Secure";
  return c;
}

// The client's address for the login throttle: the nearest proxy's entry in
// X-Forwarded-For (Heroku's router appends the client's), else the peer.
std::string client_address(const Request& req) {
  const std::string_view forwarded = req.header("X-Forwarded-For");
  if (forwarded.empty()) return std::string(req.remote_addr);
  const auto comma = forwarded.rfind(',');
  std::string_view last = comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  return std::string(last.substr(0, 64));
}

// A static file of the dashboard, cached for an hour.
Reply asset(const char* content_type, const std::string& body) {
  Reply reply;
  reply.content_type = content_type;
  reply.body = body;
  reply.headers.emplace_back("Cache-Control", "max-age=3600");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return reply;
}

class Dashboard {
 public:
  explicit Dashboard(DashboardSources s)
      : s_(std::move(s)), guard_(s_.login, s_.clock, s_.business_name) {}

  http::Routes routes(std::shared_ptr<Dashboard> self) const {
    using M = http::Route::Method;
    const auto page = [self](auto method) {
      return [self, method](const Request& req) { return ((*self).*method)(req); };
    };
    return {
        {M::kGet, "/admin", http::Access::kOwner, false, page(&Dashboard::overview)},
        {M::kGet, "/admin/login", http::Access::kPublic, false, page(&Dashboard::login_form)},
        {M::kPost, "/admin/login", http::Access::kPublic, false, page(&Dashboard::log_in)},
        {M::kPost, "/admin/logout", http::Access::kOwner, false, page(&Dashboard::log_out)},
        {M::kGet, "/admin/login/link", http::Access::kPublic, false,
         page(&Dashboard::log_in_by_link)},
        {M::kPost, "/v1/login_links", http::Access::kAdmin, false,
         page(&Dashboard::make_login_link)},
        {M::kGet, "/admin/reviews", http::Access::kOwner, false, page(&Dashboard::reviews)},
        {M::kGet, "/admin/reviews.csv", http::Access::kOwner, false, page(&Dashboard::csv)},
        {M::kGet, "/admin/delivery", http::Access::kOwner, false, page(&Dashboard::delivery)},
        {M::kGet, "/admin/accounts", http::Access::kOwner, false, page(&Dashboard::accounts)},
        {M::kPost, "/admin/accounts", http::Access::kOwner, false, page(&Dashboard::add_account)},
        {M::kPost, "/admin/accounts/remove", http::Access::kOwner, false,
         page(&Dashboard::remove_account)},
        {M::kGet, "/admin/style.css", http::Access::kPublic, false,
         [](const Request&) { return asset("text/css; charset=utf-8", stylesheet()); }},
        {M::kGet, "/admin/icon.svg", http::Access::kPublic, false,
         [](const Request&) { return asset("image/svg+xml", icon_svg()); }},
    };
  }

 private:
  PageFrame frame(std::string title, const store::OwnerSession* session,
                  std::string current) const {
    return guard_.frame(std::move(title), session, std::move(current));
  }
  Reply unavailable() const { return guard_.unavailable(); }
  std::optional<store::OwnerSession> session(const Request& req, Reply& refusal) const {
    return guard_.session(req, refusal);
  }
  std::optional<store::OwnerSession> checked_post(const Request& req, Reply& refusal) const {
    return guard_.checked_post(req, refusal);
  }

  Reply login_with(const Request& req, int status, const std::string& account,
                   const std::string& error) const {
    auto token = random_token(16);
    if (!token) return unavailable();
    Reply reply =
        html_reply(status, login_page(frame("Log in", nullptr, ""), *token, account, error));
    reply.headers.emplace_back(
        "Set-Cookie", cookie(req, kLoginCookie, *token, kLoginFormSeconds, "/admin/login"));
    return reply;
  }

  Reply login_form(const Request& req) const {
    Reply refusal;
    if (http::cookie_value(req.header("Cookie"), kSessionCookie) && session(req, refusal)) {
      return redirect_reply("/admin");
    }
    return login_with(req, 200, "", "");
  }

  Reply log_in(const Request& req) const {
    const auto form = http::parse_form(req.body);
    const std::string account = form_field(form, "account").substr(0, 64);
    const auto expected = http::cookie_value(req.header("Cookie"), kLoginCookie);
    if (!expected || expected->empty() ||
        !http::constant_time_equals(form_field(form, "csrf"), *expected)) {
      return login_with(req, 403, account, "The login form expired. Please log in again.");
    }
    const LoginResult result =
        s_.login.log_in(account, form_field(form, "password"), client_address(req));
    switch (result.status) {
      case LoginResult::Status::kOk: {
        Reply reply = with_session_cookie(req, result);
        reply.headers.emplace_back("Set-Cookie", cookie(req, kLoginCookie, "", 0, "/admin/login"));
        return reply;
      }
      case LoginResult::Status::kRefused:
        return login_with(req, 401, account, "Wrong account or password.");
      case LoginResult::Status::kThrottled: {
        const auto minutes =
            std::chrono::duration_cast<std::chrono::minutes>(result.retry_after).count();
        Reply reply = login_with(
            req, 429, account,
            "Too many failed logins. Try again in " + std::to_string(minutes) + " minutes.");
        reply.headers.emplace_back(
            "Retry-After",
            std::to_string(
                std::chrono::duration_cast<std::chrono::seconds>(result.retry_after).count()));
        return reply;
      }
      case LoginResult::Status::kUnavailable:
        break;
    }
    return unavailable();
  }

  Reply with_session_cookie(const Request& req, const LoginResult& result) const {
    Reply reply = redirect_reply("/admin");
    const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(result.session.expires_at -
                                                                      result.session.created_at);
    reply.headers.emplace_back("Set-Cookie", cookie(req, kSessionCookie, result.token,
                                                    static_cast<int>(ttl.count()), "/admin"));
    return reply;
  }

  // A one-time login link (POST /v1/login_links made it): a session, then the overview.
  Reply log_in_by_link(const Request& req) const {
    const auto it = req.params.find("token");
    const LoginResult result = s_.login.redeem_login_link(it == req.params.end() ? "" : it->second);
    if (result.status == LoginResult::Status::kUnavailable) return unavailable();
    if (result.status != LoginResult::Status::kOk) {
      return login_with(req, 401, "", "That login link has expired or was used. Log in here.");
    }
    return with_session_cookie(req, result);
  }

  Reply make_login_link(const Request&) const {
    auto token = s_.login.create_login_link(kLoginLinkTtl);
    if (!token) return http::error_reply(503, token.error().message);
    return http::json_reply(
        201, {{"path", "/admin/login/link?token=" + *token},
              {"expires_in_seconds",
               std::chrono::duration_cast<std::chrono::seconds>(kLoginLinkTtl).count()}});
  }

  Reply log_out(const Request& req) const {
    Reply refusal;
    const auto live = checked_post(req, refusal);
    if (!live) return refusal;
    if (const auto token = http::cookie_value(req.header("Cookie"), kSessionCookie)) {
      if (auto ended = s_.login.log_out(*token); !ended.ok()) {
        spdlog::warn("dashboard: ending a session failed: {}", ended.error().message);
        return unavailable();
      }
    }
    Reply reply = redirect_reply("/admin/login");
    reply.headers.emplace_back("Set-Cookie", cookie(req, kSessionCookie, "", 0, "/admin"));
    return reply;
  }

  Reply overview(const Request& req) const {
    Reply refusal;
    const auto live = session(req, refusal);
    if (!live) return refusal;
    const auto stats = s_.store.stats();
    if (!stats) return unavailable();
    // Twelve weeks ending with today (UTC days).
    const auto today = std::chrono::floor<std::chrono::days>(s_.clock.now());
    const auto weeks = s_.store.weekly_ratings(today + std::chrono::days(1), kTrendWeeks);
    if (!weeks) return unavailable();
    std::vector<TrendWeek> trend;
    for (const auto& w : *weeks) {
      trend.push_back(TrendWeek{w.start, w.responses,
                                w.responses > 0
                                    ? std::optional<double>(static_cast<double>(w.rating_sum) /
                                                            static_cast<double>(w.responses))
                                    : std::nullopt});
    }
    return html_reply(200, overview_page(frame("Overview", &*live, "overview"), *stats, trend));
  }

  Reply reviews(const Request& req) const {
    Reply refusal;
    const auto live = session(req, refusal);
    if (!live) return refusal;
    ReviewListForm form;
    auto query = parse_review_form(req.params, form);
    const PageFrame f = frame("Reviews", &*live, "reviews");
    if (!query)
      return html_reply(400, reviews_page(f, form, {}, std::nullopt, query.error().error));
    const auto page = s_.store.list_reviews(query->filter);
    if (!page) return unavailable();
    return html_reply(200, reviews_page(f, form, page->reviews, page->next_cursor, ""));
  }

  Reply csv(const Request& req) const {
    Reply refusal;
    const auto live = session(req, refusal);
    if (!live) return refusal;
    ReviewListForm form;
    auto parsed = parse_review_form(req.params, form);
    if (!parsed) return http::field_error_reply(parsed.error());
    ReviewQuery query = std::move(parsed).value();
    query.limit_given = false;  // every filtered review
    Reply reply = handle_reviews_csv(query, s_.store);
    if (reply.status == 200) reply.body = kUtf8Bom + reply.body;  // Excel reads it as UTF-8
    add_security_headers(reply);
    return reply;
  }

  Reply delivery(const Request& req) const {
    Reply refusal;
    const auto live = session(req, refusal);
    if (!live) return refusal;
    const MetricsSnapshot m = s_.metrics ? s_.metrics() : MetricsSnapshot{};
    DeliveryHealth health;
    if (m.outbox) {
      health.pending = m.outbox->pending;
      health.failed = m.outbox->failed;
      health.oldest_due_seconds =
          std::chrono::duration_cast<std::chrono::seconds>(m.outbox->oldest_due_age).count();
    }
    using State = delivery::CircuitBreaker::State;
    health.platform = m.platform_state == State::kClosed ? "up"
                      : m.platform_state == State::kOpen ? "down"
                                                         : "probing";
    health.counters = {
        {"sends resent after an unclear answer (in doubt)", m.in_doubt_resent},
        {"in-doubt sends not resent (they may have arrived)", m.in_doubt_not_resent},
        {"resent as plain text (Telegram refused the HTML)", m.fallback_plain_text},
        {"resent without buttons (Telegram refused the keyboard)", m.fallback_no_keyboard},
        {"held back by the rate limit", m.deferred_rate_limit},
        {"held back while Telegram asked to wait (429)", m.deferred_paused},
        {"chats moved to a new id", m.chat_migrations},
    };
    if (auto failed = s_.desk.failed_messages(kFailedShown); failed.ok()) {
      health.failed_sends = std::move(failed).value();
    }
    return html_reply(m.outbox ? 200 : 503,
                      delivery_page(frame("Delivery", &*live, "delivery"), health));
  }

  Reply accounts_with(const store::OwnerSession& live, int status, const std::string& notice,
                      const std::string& error) const {
    const auto listed = s_.login.list_accounts();
    if (!listed) return unavailable();
    std::vector<std::string> names;
    for (const auto& account : *listed) names.push_back(account.name);
    return html_reply(status,
                      accounts_page(frame("Accounts", &live, "accounts"), names, notice, error));
  }

  Reply accounts(const Request& req) const {
    Reply refusal;
    const auto live = session(req, refusal);
    if (!live) return refusal;
    return accounts_with(*live, 200, "", "");
  }

  Reply add_account(const Request& req) const {
    Reply refusal;
    const auto live = checked_post(req, refusal);
    if (!live) return refusal;
    const auto form = http::parse_form(req.body);
    const std::string name = form_field(form, "name");
    if (auto added = s_.login.add_account(name, form_field(form, "password")); !added.ok()) {
      return accounts_with(*live, 400, "", added.error().message);
    }
    return accounts_with(*live, 200, "Added " + name + ".", "");
  }

  Reply remove_account(const Request& req) const {
    Reply refusal;
    const auto live = checked_post(req, refusal);
    if (!live) return refusal;
    const std::string name = form_field(http::parse_form(req.body), "name");
    const auto removed = s_.login.remove_account(name);
    if (!removed) return unavailable();
    spdlog::info("owner account removed account={} by={}", name, live->account);
    if (!*removed) return accounts_with(*live, 404, "", "There is no account named " + name + ".");
    return accounts_with(*live, 200, "Removed " + name + ".", "");
  }

  DashboardSources s_;
  PageGuard guard_;
};

}  // namespace

http::Routes dashboard_routes(DashboardSources sources) {
  auto dashboard = std::make_shared<Dashboard>(std::move(sources));
  return dashboard->routes(dashboard);
}

}  // namespace reviewbot::admin
