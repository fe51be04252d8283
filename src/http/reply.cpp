#include "reviewbot/http/reply.h"

namespace reviewbot::http {

Reply json_reply(int status, const nlohmann::json& body) {
  Reply reply;
  reply.status = status;
  // Replace invalid UTF-8 rather than throw: stored text came from outside.
  reply.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return reply;
}

Reply error_reply(int status, std::string_view message) {
  return json_reply(status, {{"error", std::string(message)}});
}

Reply field_error_reply(const FieldError& error) {
  return json_reply(400, {{"error", error.error}, {"field", error.field}});
}

Reply unavailable_reply(std::string_view message) {
  Reply reply = error_reply(503, message);
  reply.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
  return reply;
}

}  // namespace reviewbot::http
