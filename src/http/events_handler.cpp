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

Reply handle_event(std::string_view body, core::Time now, const AcceptFn& accept) {
  auto parsed = parse_event(body, now);
  if (!parsed) return field_error_reply(parsed.error());
  const store::InboundKey key{store::InboundKey::Source::kEvent, parsed->id};
  const store::ProcessResult result = accept(key, core::Event{parsed.value()});
  if (result.status == store::ProcessResult::Status::kUnavailable) {
    spdlog::warn("event id={} not committed: {}", parsed->id, result.error);
  }
  return event_reply(result);
}

Route events_route(const core::Clock& clock, AcceptFn accept) {
  return Route{Route::Method::kPost, "/v1/events", Access::kEvents, true,
               [&clock, accept = std::move(accept)](const Request& req) {
                 return handle_event(req.body, clock.now(), accept);
               }};
}

}  // namespace reviewbot::http
