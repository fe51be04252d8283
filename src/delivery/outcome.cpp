#include "reviewbot/delivery/outcome.h"

#include <algorithm>
#include <string>

namespace reviewbot::delivery {
namespace {

using Kind = platform::SendResult::Kind;
using Status = store::DeliveryOutcome::Status;

std::string describe(const platform::SendResult& r) {
  std::string text = kind_name(r.kind);
  if (r.http_status != 0) text += " " + std::to_string(r.http_status);
  if (!r.description.empty()) text += ": " + r.description;
  return text;
}

}  // namespace

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kOk:
      return "ok";
    case Kind::kRetryAfter:
      return "retry_after";
    case Kind::kTransient:
      return "transient";
    case Kind::kUnknown:
      return "unknown";
    case Kind::kParseEntities:
      return "parse_entities";
    case Kind::kBadMarkup:
      return "bad_markup";
    case Kind::kForbidden:
      return "forbidden";
    case Kind::kMigrated:
      return "migrated";
    case Kind::kRejected:
      return "rejected";
  }
  return "invalid";
}

store::DeliveryOutcome delivery_outcome(const platform::SendResult& result, int attempt,
                                        core::Time now, const RetryRules& rules, double unit) {
  store::DeliveryOutcome out;
  switch (result.kind) {
    case Kind::kOk:
      out.status = Status::kSent;
      out.message_id = result.message_id;
      return out;
    case Kind::kForbidden:
      out.status = Status::kUnreachable;
      out.reason = describe(result);
      return out;
    case Kind::kMigrated:
      out.status = Status::kFailed;
      out.reason = "chat migrated to " +
                   (result.migrate_to_chat_id ? std::to_string(*result.migrate_to_chat_id)
                                              : std::string("an unknown chat")) +
                   " (" + describe(result) + ")";
      return out;
    case Kind::kParseEntities:
    case Kind::kBadMarkup:
    case Kind::kRejected:
      out.status = Status::kFailed;
      out.reason = describe(result);
      return out;
    case Kind::kRetryAfter:
      out.retry_at = now + std::max(result.retry_after, core::Duration{1000});
      break;
    case Kind::kTransient:
    case Kind::kUnknown:
      out.retry_at = now + backoff_delay(rules.backoff, attempt, unit);
      break;
  }
  if (attempt >= rules.max_attempts) {
    out.status = Status::kFailed;
    out.reason = "gave up after " + std::to_string(attempt) + " attempts: " + describe(result);
    return out;
  }
  out.status = Status::kRetry;
  out.reason = describe(result);
  return out;
}

}  // namespace reviewbot::delivery
