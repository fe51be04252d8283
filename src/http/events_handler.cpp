#include "reviewbot/http/events_handler.h"

#include <spdlog/spdlog.h>

#include "reviewbot/http/event_parser.h"
#include "reviewbot/http/rfc3339.h"

namespace reviewbot::http {

Reply event_reply(const store::ProcessResult& result) {
  using Status = store::ProcessResult::Status;
  switch (result.status) {
    case Status::kDuplicate:
      return json_reply(200, {{"status", "duplicate"}});
    case Status::kUnavailable:
      return unavailable_reply("temporarily unavailable, retry later");
    case Status::kApplied:
      break;
  }
  const auto outcome = result.outcome.status;
  const bool final = outcome == core::Outcome::Status::kCancelled ||
                     outcome == core::Outcome::Status::kNothingToCancel;
  nlohmann::json body = {{"status", core::to_string(outcome)}};
  if (!result.outcome.reason.empty() || outcome == core::Outcome::Status::kSkipped) {
    body["reason"] = result.outcome.reason;
  }
  if (result.outcome.send_at) body["send_at"] = format_rfc3339(*result.outcome.send_at);
  return json_reply(final ? 200 : 202, body);
}

void handle_event(std::string_view body, core::Time now, const SubmitFn& submit, Respond respond) {
  auto parsed = parse_event(body, now);
  if (!parsed) return respond(field_error_reply(parsed.error()));
  store::InboundKey key{store::InboundKey::Source::kEvent, parsed->id};
  submit(std::move(key), core::Event{parsed.value()},
         [id = parsed->id, respond = std::move(respond)](store::ProcessResult result) {
           if (result.status == store::ProcessResult::Status::kUnavailable) {
             spdlog::warn("event id={} not committed: {}", id, result.error);
           }
           respond(event_reply(result));
         });
}

Reply handle_event(std::string_view body, core::Time now, const AcceptFn& accept) {
  Reply reply;
  handle_event(body, now, submit_via(accept), [&reply](Reply r) { reply = std::move(r); });
  return reply;
}

Route events_route(const core::Clock& clock, SubmitFn submit) {
  Route route{Route::Method::kPost, "/v1/events", Access::kEvents, true, {}, {}};
  route.deferred = [&clock, submit = std::move(submit)](const Request& req, Respond respond) {
    handle_event(req.body, clock.now(), submit, std::move(respond));
  };
  return route;
}

}  // namespace reviewbot::http
