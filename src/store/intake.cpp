#include "reviewbot/store/intake.h"

namespace reviewbot::store {

ProcessResult Intake::accept(const InboundKey& key, const core::Event& event) {
  const core::Lookup lookup = engine_.lookup_for(event);
  ProcessResult result = store_.process(key, lookup, [&](const core::Snapshot& snapshot) {
    return engine_.decide(event, snapshot, clock_.now());
  });
  counters_.count(key.source, result.status);
  return result;
}

std::optional<FollowUp> Intake::follow_up(const OutboxRow& row,
                                          const DeliveryOutcome& outcome) const {
  core::DeliveryReport report;
  report.kind = row.kind;
  report.chat_id = core::chat_of(row.body);
  report.conversation_id = row.conversation_id;
  report.message_id = outcome.message_id;
  if (outcome.status == DeliveryOutcome::Status::kUnreachable) {
    report.result = core::DeliveryReport::Result::kUnreachable;
  } else if (outcome.status == DeliveryOutcome::Status::kFailed && outcome.refused &&
             row.conversation_id) {
    report.result = core::DeliveryReport::Result::kRefused;
  } else if (outcome.status != DeliveryOutcome::Status::kSent || !row.conversation_id) {
    return std::nullopt;
  }
  return FollowUp{engine_.lookup_for(report), [this, report](const core::Snapshot& snapshot) {
                    return engine_.decide(report, snapshot, clock_.now());
                  }};
}

}  // namespace reviewbot::store
