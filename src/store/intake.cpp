#include "reviewbot/store/intake.h"

#include "reviewbot/core/messages.h"

namespace reviewbot::store {

Intake::Intake(const core::Engine& engine, InputStore& store, const core::Clock& clock)
    : engine_(engine), store_(store), clock_(clock) {
  if (store.max_batch() > 1) {
    group_ = std::make_unique<GroupCommit>(store, store.max_batch(), counters_);
  }
}

struct Intake::Deciding {
  core::Event event;
  std::optional<core::Snapshot> early;
  std::optional<core::Decision> early_decision;
  std::optional<core::Time> first_due;  // of the last decision: the one committed
};

DecideFn Intake::prepare(const std::shared_ptr<Deciding>& deciding, const core::Lookup& lookup) {
  // Decided here, on the caller's thread, when the store can read the state cheaply: the
  // batch's serial section then only compares snapshots instead of deciding (rendering
  // included), and binds payloads written here.
  Deciding& d = *deciding;
  d.early = store_.try_read_snapshot(lookup);
  if (d.early) {
    try {
      d.early_decision = engine_.decide(d.event, *d.early, clock_.now());
      for (core::OutgoingMessage& m : d.early_decision->messages) {
        m.payload = core::to_json(m.body);
      }
    } catch (const std::exception&) {
      d.early.reset();  // decided in the transaction, which reports the failure
    }
  }
  return [this, deciding](const core::Snapshot& snapshot) {
    Deciding& d = *deciding;
    core::Decision decision;
    if (d.early_decision && snapshot == *d.early) {
      decision = std::move(*d.early_decision);  // a store that retries decides anew
      d.early_decision.reset();
      counters_.count_early_decision(true);
    } else {
      decision = engine_.decide(d.event, snapshot, clock_.now());
      if (d.early) counters_.count_early_decision(false);
    }
    d.first_due.reset();
    for (const core::OutgoingMessage& m : decision.messages) {
      if (!d.first_due || m.due_at < *d.first_due) d.first_due = m.due_at;
    }
    return decision;
  };
}

void Intake::finish(const Deciding& deciding, InboundKey::Source source, ProcessResult& result) {
  if (result.status == ProcessResult::Status::kApplied) result.first_due = deciding.first_due;
  counters_.count(source, result.status);
}

ProcessResult Intake::accept(const InboundKey& key, const core::Event& event) {
  const auto deciding = std::make_shared<Deciding>(Deciding{event, {}, {}, {}});
  const core::Lookup lookup = engine_.lookup_for(event);
  const DecideFn decide = prepare(deciding, lookup);
  ProcessResult result =
      group_ ? group_->process(key, lookup, decide) : store_.process(key, lookup, decide);
  finish(*deciding, key.source, result);
  return result;
}

void Intake::submit(InboundKey key, core::Event event, Done done) {
  if (!group_) {
    done(accept(key, event));
    return;
  }
  core::Lookup lookup = engine_.lookup_for(event);
  const auto deciding = std::make_shared<Deciding>(Deciding{std::move(event), {}, {}, {}});
  DecideFn decide = prepare(deciding, lookup);
  const InboundKey::Source source = key.source;
  group_->submit(std::move(key), std::move(lookup), std::move(decide),
                 [this, deciding, source, done = std::move(done)](ProcessResult result) {
                   finish(*deciding, source, result);
                   done(std::move(result));
                 });
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
