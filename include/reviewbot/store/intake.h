// Intake applies one inbound input: asks the engine what state it needs, lets the store
// load it, decide and commit in one transaction, and counts the answer (for /metrics).
// HTTP handlers and the getUpdates poller call it and answer/advance only when it reports
// kApplied or kDuplicate. It also hands the dispatcher the engine's say on delivery
// results (follow_up). Thread-safe (the Engine is immutable; the Store is thread-safe).
#pragma once

#include <functional>
#include <memory>

#include "reviewbot/core/clock.h"
#include "reviewbot/core/engine.h"
#include "reviewbot/core/events.h"
#include "reviewbot/store/group_commit.h"
#include "reviewbot/store/input_counters.h"
#include "reviewbot/store/input_store.h"
#include "reviewbot/store/outbox_store.h"

namespace reviewbot::store {

class Intake {
 public:
  // All three must outlive the Intake.
  // Inputs go through a GroupCommit when the store batches (max_batch() > 1).
  Intake(const core::Engine& engine, InputStore& store, const core::Clock& clock);

  ProcessResult accept(const InboundKey& key, const core::Event& event);

  // Called once with an input's result; see submit().
  using Done = std::function<void(ProcessResult)>;
  // As accept(), but returns as soon as the input is queued for a group commit, and `done`
  // gets the result once the batch is durable, on the GroupCommit's syncer thread; so no
  // thread waits for the disk. Without a group commit the input is committed here and
  // `done` called before submit() returns.
  void submit(InboundKey key, core::Event event, Done done);

  // What the delivery result of `row` means beyond the row, as a FollowUp for
  // OutboxStore::complete: a sent message of a conversation (a request's message id is
  // kept) or an unreachable chat (core::DeliveryReport); nullopt for other results. The
  // FollowUp refers to this Intake, which must outlive its use.
  std::optional<FollowUp> follow_up(const OutboxRow& row, const DeliveryOutcome& outcome) const;

  // Every accept() so far by source and status, and the batches; safe from any thread.
  const InputCounters& counters() const { return counters_; }

 private:
  // An input's decision as it is made: early (before the transaction), then in it.
  struct Deciding;
  // The DecideFn for an input, made early when the store can read its state cheaply.
  DecideFn prepare(const std::shared_ptr<Deciding>& deciding, const core::Lookup& lookup);
  // Counts `result` and adds the decision's first due time to it.
  void finish(const Deciding& deciding, InboundKey::Source source, ProcessResult& result);

  const core::Engine& engine_;
  InputStore& store_;
  const core::Clock& clock_;
  InputCounters counters_;
  std::unique_ptr<GroupCommit> group_;  // null: each input commits on its own
};

}  // namespace reviewbot::store
