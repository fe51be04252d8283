#include "reviewbot/http/admin_guard.h"

#include "reviewbot/http/auth.h"

namespace reviewbot::http {
namespace {

Reply unauthorized() {
  Reply reply = error_reply(401, "missing or invalid credentials");
  reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"reviewbot\"");
  return reply;
}

Reply not_configured() { return error_reply(503, "ADMIN_TOKEN is not configured"); }

}  // namespace

std::optional<Reply> admin_denial(std::string_view admin_token, std::string_view authorization) {
  if (admin_token.empty()) return not_configured();
  if (!bearer_matches(authorization, admin_token)) return unauthorized();
  return std::nullopt;
}

std::optional<Reply> event_denial(std::string_view admin_token, std::string_view events_secret,
                                  std::string_view authorization, std::string_view signature,
                                  std::string_view body) {
  if (admin_token.empty() && events_secret.empty()) return not_configured();
  if (bearer_matches(authorization, admin_token)) return std::nullopt;
  if (!signature.empty() && signature_matches(signature, events_secret, body)) return std::nullopt;
  return unauthorized();
}

}  // namespace reviewbot::http
