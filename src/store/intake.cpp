#include "reviewbot/store/intake.h"

#include "reviewbot/core/messages.h"

namespace reviewbot::store {

Intake::Intake(const core::Engine& engine, InputStore& store, const core::Clock& clock)
    : engine_(engine), store_(store), clock_(clock) {
  if (store.max_batch() > 1) {
    group_ = std::make_unique<GroupCommit>(store, store.max_batch(), counters_);
  }
}

ProcessResult Intake::accept(const InboundKey& key, const core::Event& event) {
  const core::Lookup lookup = engine_.lookup_for(event);
  // Decided here, on this thread, when the store can read the state cheaply: the batch's
  // serial section then only compares snapshots instead of deciding (rendering included),
  // and binds payloads written here.
  std::optional<core::Snapshot> early = store_.try_read_snapshot(lookup);
  std::optional<core::Decision> early_decision;
  if (early) {
    try {
      early_decision = engine_.decide(event, *early, clock_.now());
      for (core::OutgoingMessage& m : early_decision->messages) m.payload = core::to_json(m.body);
    } catch (const std::exception&) {
      early.reset();  // decided in the transaction, which reports the failure
    }
  }
  std::optional<core::Time> first_due;  // of the last decision: the one committed
  const DecideFn decide = [&](const core::Snapshot& snapshot) {
    core::Decision decision;
    if (early_decision && snapshot == *early) {
      decision = std::move(*early_decision);  // a store that retries decides anew
      early_decision.reset();
      counters_.count_early_decision(true);
    } else {
      decision = engine_.decide(event, snapshot, clock_.now());
      if (early) counters_.count_early_decision(false);
    }
    first_due.reset();
    for (const core::OutgoingMessage& m : decision.messages) {
      if (!first_due || m.due_at < *first_due) first_due = m.due_at;
    }
    return decision;
  };
  ProcessResult result =
      group_ ? group_->process(key, lookup, decide) : store_.process(key, lookup, decide);
  if (result.status == ProcessResult::Status::kApplied) result.first_due = first_due;
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
