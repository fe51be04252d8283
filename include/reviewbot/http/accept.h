// The seam between HTTP handlers and the intake: a callable that applies one inbound
// input durably and reports kApplied / kDuplicate / kUnavailable. Production passes
// accept_through(intake); tests pass a fake. Must be thread-safe (handlers run on many
// threads).
#pragma once

#include <functional>

#include "reviewbot/core/events.h"
#include "reviewbot/store/input_store.h"
#include "reviewbot/store/intake.h"

namespace reviewbot::http {

using AcceptFn = std::function<store::ProcessResult(const store::InboundKey&, const core::Event&)>;

// Forwards to intake.accept; `intake` must outlive the returned function. `after_commit`
// (e.g. Dispatcher::notify) runs after each kApplied that queued messages, with the
// earliest one's due time, so they go out when due.
inline AcceptFn accept_through(store::Intake& intake,
                               std::function<void(core::Time first_due)> after_commit = {}) {
  return [&intake, after_commit = std::move(after_commit)](const store::InboundKey& key,
                                                           const core::Event& event) {
    store::ProcessResult result = intake.accept(key, event);
    if (after_commit && result.first_due) after_commit(*result.first_due);
    return result;
  };
}

}  // namespace reviewbot::http
