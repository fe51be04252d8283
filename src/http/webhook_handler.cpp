#include "reviewbot/http/webhook_handler.h"

#include <spdlog/spdlog.h>

#include <string>

#include "reviewbot/http/auth.h"

namespace reviewbot::http {

bool webhook_secret_ok(std::string_view expected, std::optional<std::string_view> given) {
  if (expected.empty()) return true;
  return given.has_value() && constant_time_equals(*given, expected);
}

Reply handle_webhook_update(std::string_view body, const UpdateParser& parse,
                            const AcceptFn& accept) {
  auto parsed = parse(body);
  if (!parsed) return error_reply(400, parsed.error().message);
  if (!parsed->event) return json_reply(200, {{"ok", true}});

  const store::InboundKey key{store::InboundKey::Source::kTelegramUpdate,
                              std::to_string(parsed->update_id)};
  const store::ProcessResult result = accept(key, *parsed->event);
  switch (result.status) {
    case store::ProcessResult::Status::kApplied:
    case store::ProcessResult::Status::kDuplicate:
      return json_reply(200, {{"ok", true}});
    case store::ProcessResult::Status::kUnavailable:
      break;
  }
  spdlog::warn("webhook update_id={} not committed: {}", parsed->update_id, result.error);
  return unavailable_reply("temporarily unavailable, retry later");
}

Route webhook_route(UpdateParser parse, AcceptFn accept) {
  return Route{Route::Method::kPost, "/webhook/telegram", Access::kWebhook, true,
               [parse = std::move(parse), accept = std::move(accept)](const Request& req) {
                 return handle_webhook_update(req.body, parse, accept);
               }};
}

}  // namespace reviewbot::http
