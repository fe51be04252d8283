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

store::DeliveryOutcome failed(std::string reason) {
  store::DeliveryOutcome out;
  out.status = Status::kFailed;
  out.reason = std::move(reason);
  return out;
}

// kRetry at `at`, or kFailed once `attempt` reaches max_attempts.
store::DeliveryOutcome retry_or_give_up(core::Time at, const std::string& reason, int attempt,
                                        const RetryRules& rules) {
  if (attempt >= rules.max_attempts) {
    return failed("gave up after " + std::to_string(attempt) + " attempts: " + reason);
  }
  store::DeliveryOutcome out;
  out.status = Status::kRetry;
  out.retry_at = at;
  out.reason = reason;
  return out;
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

const char* to_string(InDoubtCause cause) {
  switch (cause) {
    case InDoubtCause::kTimeout:
      return "timeout";
    case InDoubtCause::kRestart:
      return "restart";
    case InDoubtCause::kTakeover:
      return "takeover";
  }
  return "unknown";
}

InDoubtPolicy in_doubt_policy(core::MessageKind kind) {
  switch (kind) {
    case core::MessageKind::kRequest:
    case core::MessageKind::kReminder:
      return InDoubtPolicy::kAtMostOnce;
    case core::MessageKind::kRatingAck:
    case core::MessageKind::kCommentPrompt:
    case core::MessageKind::kThankYou:
    case core::MessageKind::kOwnerAlert:
    case core::MessageKind::kCallbackAnswer:
    case core::MessageKind::kNotice:
    case core::MessageKind::kOwnerReply:  // the customer is waiting for the answer
      return InDoubtPolicy::kAtLeastOnce;
  }
  return InDoubtPolicy::kAtLeastOnce;
}

store::DeliveryOutcome in_doubt_outcome(core::MessageKind kind, InDoubtCause cause, int attempt,
                                        core::Time now, const RetryRules& rules, double unit) {
  const std::string what = std::string("outcome unknown after ") + to_string(cause);
  if (in_doubt_policy(kind) == InDoubtPolicy::kAtMostOnce) {
    return failed(what + "; not resent so the customer is not asked twice");
  }
  const core::Time at =
      cause == InDoubtCause::kTimeout ? now + backoff_delay(rules.backoff, attempt, unit) : now;
  return retry_or_give_up(at, what + "; resent", attempt, rules);
}

store::DeliveryOutcome delivery_outcome(core::MessageKind kind, const platform::SendResult& result,
                                        int attempt, core::Time now, const RetryRules& rules,
                                        double unit) {
  switch (result.kind) {
    case Kind::kOk: {
      store::DeliveryOutcome out;
      out.status = Status::kSent;
      out.message_id = result.message_id;
      return out;
    }
    case Kind::kForbidden: {
      store::DeliveryOutcome out = failed(describe(result));
      out.status = Status::kUnreachable;
      return out;
    }
    case Kind::kMigrated:
      if (!result.migrate_to_chat_id) {
        return failed("chat migrated to an unknown chat (" + describe(result) + ")");
      }
      return retry_or_give_up(now,
                              "chat migrated to " + std::to_string(*result.migrate_to_chat_id) +
                                  " (" + describe(result) + ")",
                              attempt, rules);
    case Kind::kParseEntities:
    case Kind::kBadMarkup:
    case Kind::kRejected: {
      store::DeliveryOutcome out = failed(describe(result));
      out.refused = true;
      return out;
    }
    case Kind::kRetryAfter:
      return retry_or_give_up(now + std::max(result.retry_after, core::Duration{1000}),
                              describe(result), attempt, rules);
    case Kind::kTransient:
      return retry_or_give_up(now + backoff_delay(rules.backoff, attempt, unit), describe(result),
                              attempt, rules);
    case Kind::kUnknown: {
      store::DeliveryOutcome out =
          in_doubt_outcome(kind, InDoubtCause::kTimeout, attempt, now, rules, unit);
      out.reason += " (" + describe(result) + ")";
      return out;
    }
  }
  return failed(describe(result));
}

}  // namespace reviewbot::delivery
