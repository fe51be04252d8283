#include "reviewbot/admin/page_guard.h"

#include <spdlog/spdlog.h>

#include "reviewbot/http/auth.h"
#include "reviewbot/http/reply.h"

namespace reviewbot::admin {

void add_security_headers(http::Reply& reply) {
  reply.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
      "frame-ancestors 'none'; base-uri 'none'");
  reply.headers.emplace_back("X-Frame-Options", "DENY");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "same-origin");
  reply.headers.emplace_back("Cache-Control", "no-store");
}

http::Reply html_reply(int status, std::string body) {
  http::Reply reply;
  reply.status = status;
  reply.content_type = "text/html; charset=utf-8";
  reply.body = std::move(body);
  add_security_headers(reply);
  return reply;
}

http::Reply redirect_reply(const std::string& location) {
  http::Reply reply = html_reply(303, "");
  reply.headers.emplace_back("Location", location);
  return reply;
}

std::string form_field(const http::Params& form, const char* name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

std::optional<store::OwnerSession> PageGuard::session(const http::Request& req,
                                                      http::Reply& refusal) const {
  if (login_.is_admin_bearer(req.header("Authorization"))) {
    const core::Time now = clock_.now();
    return store::OwnerSession{"", kAdminAccount, "", now, now};
  }
  const auto token = http::cookie_value(req.header("Cookie"), kSessionCookie);
  if (token) {
    auto found = login_.session(*token);
    if (!found) {
      spdlog::warn("dashboard: reading a session failed: {}", found.error().message);
      refusal = unavailable();
      return std::nullopt;
    }
    if (found->has_value()) return std::move(found).value();
  }
  refusal = redirect_reply("/admin/login");
  return std::nullopt;
}

std::optional<store::OwnerSession> PageGuard::checked_post(const http::Request& req,
                                                           http::Reply& refusal) const {
  auto live = session(req, refusal);
  if (!live) return std::nullopt;
  const auto form = http::parse_form(req.body);
  if (!http::constant_time_equals(form_field(form, "csrf"), live->csrf_token) ||
      live->csrf_token.empty()) {
    refusal = message(403, &*live, "Form expired",
                      "This form is out of date. Go back, reload and send it again.");
    return std::nullopt;
  }
  return live;
}

PageFrame PageGuard::frame(std::string title, const store::OwnerSession* session,
                           std::string current) const {
  PageFrame f{std::move(title), business_name_, std::nullopt, std::move(current)};
  if (session != nullptr) f.viewer = Viewer{session->account, session->csrf_token};
  return f;
}

http::Reply PageGuard::unavailable() const {
  http::Reply reply = message(503, nullptr, "Temporarily unavailable",
                              "The database is not answering. Try again shortly.");
  reply.headers.emplace_back("Retry-After", std::to_string(http::kRetryAfterSeconds));
  return reply;
}

http::Reply PageGuard::message(int status, const store::OwnerSession* session,
                               const std::string& title, const std::string& text) const {
  return html_reply(status, message_page(frame(title, session, ""), text));
}

}  // namespace reviewbot::admin
