#include "reviewbot/delivery/outcome.h"

#include <catch2/catch.hpp>

using namespace reviewbot;
using namespace reviewbot::delivery;
using Kind = platform::SendResult::Kind;
using Status = store::DeliveryOutcome::Status;
using core::MessageKind;

namespace {

const core::Time kNow = core::from_millis(1'800'000'000'000);

platform::SendResult unknown() {
  platform::SendResult r;
  r.kind = Kind::kUnknown;
  r.description = "Operation timed out";
  return r;
}

}  // namespace

TEST_CASE("requests and reminders are sent at most once, everything else at least once",
          "[outcome][in_doubt]") {
  CHECK(in_doubt_policy(MessageKind::kRequest) == InDoubtPolicy::kAtMostOnce);
  CHECK(in_doubt_policy(MessageKind::kReminder) == InDoubtPolicy::kAtMostOnce);
  for (auto kind : {MessageKind::kRatingAck, MessageKind::kCommentPrompt, MessageKind::kThankYou,
                    MessageKind::kOwnerAlert, MessageKind::kCallbackAnswer, MessageKind::kNotice}) {
    INFO(core::to_string(kind));
    CHECK(in_doubt_policy(kind) == InDoubtPolicy::kAtLeastOnce);
  }
}

TEST_CASE("an in-doubt request fails with the reason it was not resent", "[outcome][in_doubt]") {
  const RetryRules rules;
  for (auto kind : {MessageKind::kRequest, MessageKind::kReminder}) {
    const auto timeout = in_doubt_outcome(kind, InDoubtCause::kTimeout, 1, kNow, rules, 0.5);
    CHECK(timeout.status == Status::kFailed);
    CHECK(timeout.reason ==
          "outcome unknown after timeout; not resent so the customer is not asked twice");
    const auto restart = in_doubt_outcome(kind, InDoubtCause::kRestart, 3, kNow, rules, 0.5);
    CHECK(restart.status == Status::kFailed);
    CHECK(restart.reason ==
          "outcome unknown after restart; not resent so the customer is not asked twice");
  }
}

TEST_CASE(
    "an in-doubt comment prompt is resent with backoff after a timeout, at once after a "
    "restart",
    "[outcome][in_doubt]") {
  const RetryRules rules;
  const auto timeout =
      in_doubt_outcome(MessageKind::kCommentPrompt, InDoubtCause::kTimeout, 3, kNow, rules, 0.5);
  CHECK(timeout.status == Status::kRetry);
  CHECK(timeout.retry_at == kNow + backoff_delay(rules.backoff, 3, 0.5));
  CHECK(timeout.retry_at > kNow);
  const auto restart =
      in_doubt_outcome(MessageKind::kOwnerAlert, InDoubtCause::kRestart, 1, kNow, rules, 0.5);
  CHECK(restart.status == Status::kRetry);
  CHECK(restart.retry_at == kNow);

  SECTION("until the attempts run out") {
    const auto last = in_doubt_outcome(MessageKind::kThankYou, InDoubtCause::kTimeout,
                                       rules.max_attempts, kNow, rules, 0.5);
    CHECK(last.status == Status::kFailed);
    CHECK(last.reason.rfind("gave up after 10 attempts", 0) == 0);
  }
}

TEST_CASE("a timed-out send is classified by the row's kind", "[outcome][in_doubt]") {
  const RetryRules rules;
  const auto request = delivery_outcome(MessageKind::kRequest, unknown(), 1, kNow, rules, 0.5);
  CHECK(request.status == Status::kFailed);
  CHECK(request.reason.find("not resent") != std::string::npos);
  CHECK(request.reason.find("Operation timed out") != std::string::npos);
  const auto thanks = delivery_outcome(MessageKind::kThankYou, unknown(), 1, kNow, rules, 0.5);
  CHECK(thanks.status == Status::kRetry);
}

TEST_CASE("a migrated chat is retried at once when the new chat is known", "[outcome]") {
  const RetryRules rules;
  platform::SendResult migrated;
  migrated.kind = Kind::kMigrated;
  migrated.http_status = 400;
  migrated.migrate_to_chat_id = -100999;
  const auto moved = delivery_outcome(MessageKind::kOwnerAlert, migrated, 1, kNow, rules, 0.5);
  CHECK(moved.status == Status::kRetry);
  CHECK(moved.retry_at == kNow);
  CHECK(moved.reason.find("-100999") != std::string::npos);

  migrated.migrate_to_chat_id.reset();
  CHECK(delivery_outcome(MessageKind::kOwnerAlert, migrated, 1, kNow, rules, 0.5).status ==
        Status::kFailed);
}

TEST_CASE("only a message the platform refused is marked refused (never shown)", "[outcome]") {
  const RetryRules rules;
  for (auto kind : {Kind::kRejected, Kind::kParseEntities, Kind::kBadMarkup}) {
    platform::SendResult r;
    r.kind = kind;
    r.http_status = 400;
    const auto out = delivery_outcome(MessageKind::kRequest, r, 1, kNow, rules, 0.5);
    CHECK(out.status == Status::kFailed);
    CHECK(out.refused);
  }
  // An unknown outcome may have been shown: never "refused", even once given up.
  const auto in_doubt = delivery_outcome(MessageKind::kRequest, unknown(), 1, kNow, rules, 0.5);
  CHECK(in_doubt.status == Status::kFailed);
  CHECK_FALSE(in_doubt.refused);
  platform::SendResult busy;
  busy.kind = Kind::kTransient;
  busy.http_status = 502;
  const auto gave_up =
      delivery_outcome(MessageKind::kRequest, busy, rules.max_attempts, kNow, rules, 0.5);
  CHECK(gave_up.status == Status::kFailed);
  CHECK_FALSE(gave_up.refused);
}
