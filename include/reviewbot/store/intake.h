// Intake applies one inbound input: asks the engine what state it needs, lets the store
// load it, decide and commit in one transaction, and counts the answer (for /metrics).
// HTTP handlers and the getUpdates poller call it and answer/advance only when it reports
// kApplied or kDuplicate. Thread-safe (the Engine is immutable; the Store is thread-safe).
#pragma once

#include "reviewbot/core/clock.h"
#include "reviewbot/core/engine.h"
#include "reviewbot/core/events.h"
#include "reviewbot/store/input_counters.h"
#include "reviewbot/store/input_store.h"

namespace reviewbot::store {

class Intake {
 public:
  // All three must outlive the Intake.
  Intake(const core::Engine& engine, InputStore& store, const core::Clock& clock)
      : engine_(engine), store_(store), clock_(clock) {}

  ProcessResult accept(const InboundKey& key, const core::Event& event);

  // Every accept() so far by source and status; safe from any thread.
  const InputCounters& counters() const { return counters_; }

 private:
  const core::Engine& engine_;
  InputStore& store_;
  const core::Clock& clock_;
  InputCounters counters_;
};

}  // namespace reviewbot::store
