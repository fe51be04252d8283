#include "reviewbot/http/webhook_handler.h"

#include <spdlog/spdlog.h>

#include <string>

#include "reviewbot/http/auth.h"

namespace reviewbot::http {

bool webhook_secret_ok(std::string_view expected, std::optional<std::string_view> given) {
  if (expected.empty()) return true;
  return given.has_value() && constant_time_equals(*given, expected);
}

void handle_webhook_update(std::string_view body, const UpdateParser& parse, const SubmitFn& submit,
                           Respond respond) {
  auto parsed = parse(body);
  if (!parsed) return respond(error_reply(400, parsed.error().message));
  if (!parsed->event) return respond(json_reply(200, {{"ok", true}}));

  const int64_t update_id = parsed->update_id;
  store::InboundKey key{store::InboundKey::Source::kTelegramUpdate, std::to_string(update_id)};
  submit(std::move(key), std::move(*parsed->event),
         [update_id, respond = std::move(respond)](store::ProcessResult result) {
           switch (result.status) {
             case store::ProcessResult::Status::kApplied:
             case store::ProcessResult::Status::kDuplicate:
               return respond(json_reply(200, {{"ok", true}}));
             case store::ProcessResult::Status::kUnavailable:
               break;
           }
           spdlog::warn("webhook update_id={} not committed: {}", update_id, result.error);
           respond(unavailable_reply("temporarily unavailable, retry later"));
         });
}

Reply handle_webhook_update(std::string_view body, const UpdateParser& parse,
                            const AcceptFn& accept) {
  Reply reply;
  handle_webhook_update(body, parse, submit_via(accept),
                        [&reply](Reply r) { reply = std::move(r); });
  return reply;
}

Route webhook_route(UpdateParser parse, SubmitFn submit) {
  Route route{Route::Method::kPost, "/webhook/telegram", Access::kWebhook, true, {}, {}};
  route.deferred = [parse = std::move(parse), submit = std::move(submit)](const Request& req,
                                                                          Respond respond) {
    handle_webhook_update(req.body, parse, submit, std::move(respond));
  };
  return route;
}

}  // namespace reviewbot::http
