// What every dashboard route shares: who is asking (a session cookie, or ADMIN_TOKEN as a
// bearer for scripts that read pages), the CSRF check of posted forms, the page frame, and
// HTML replies carrying the dashboard's security headers (Content-Security-Policy without
// scripts, X-Frame-Options: DENY, nosniff, no-store). Thread-safe when the login is.
#pragma once

#include <optional>
#include <string>

#include "reviewbot/admin/owner_login.h"
#include "reviewbot/admin/pages.h"
#include "reviewbot/core/clock.h"
#include "reviewbot/http/form.h"
#include "reviewbot/http/route.h"

namespace reviewbot::admin {

inline constexpr const char* kSessionCookie = "rb_session";

void add_security_headers(http::Reply& reply);
http::Reply html_reply(int status, std::string body);
http::Reply redirect_reply(const std::string& location);  // 303
// A form field's value, "" when absent.
std::string form_field(const http::Params& form, const char* name);

class PageGuard {
 public:
  // `login` and `clock` must outlive the guard.
  PageGuard(OwnerLogin& login, const core::Clock& clock, std::string business_name)
      : login_(login), clock_(clock), business_name_(std::move(business_name)) {}

  // The request's live session; nullopt with `refusal` set when there is none (a redirect
  // to the login) or the store failed (503). A request with ADMIN_TOKEN as its bearer acts
  // as "admin" without a stored session and without a CSRF token, so it cannot post forms.
  std::optional<store::OwnerSession> session(const http::Request& req, http::Reply& refusal) const;
  // For POSTs: the session, when the form's csrf field matches it (else a 403 page).
  std::optional<store::OwnerSession> checked_post(const http::Request& req,
                                                  http::Reply& refusal) const;

  PageFrame frame(std::string title, const store::OwnerSession* session, std::string current) const;
  // 503 with Retry-After: the database is not answering.
  http::Reply unavailable() const;
  // A short page with `status` and a sentence.
  http::Reply message(int status, const store::OwnerSession* session, const std::string& title,
                      const std::string& text) const;

  OwnerLogin& login() const { return login_; }
  const core::Clock& clock() const { return clock_; }

 private:
  OwnerLogin& login_;
  const core::Clock& clock_;
  std::string business_name_;
};

}  // namespace reviewbot::admin
