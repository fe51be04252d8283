// The seam between HTTP handlers and the intake: a callable that applies one inbound
// input durably and reports kApplied / kDuplicate / kUnavailable, returning the result
// (AcceptFn) or handing it to a callback, perhaps later and on another thread (SubmitFn).
// Production passes accept_through(intake) and submit_through(intake); tests pass fakes.
// Must be thread-safe (handlers run on many threads).
#pragma once

#include <functional>
#include <utility>

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

using AcceptDone = std::function<void(store::ProcessResult)>;
using SubmitFn = std::function<void(store::InboundKey, core::Event, AcceptDone done)>;

// Forwards to intake.submit (as accept_through): `done` runs on the intake's group commit
// thread once the input is durable, or before the call returns when it commits alone.
inline SubmitFn submit_through(store::Intake& intake,
                               std::function<void(core::Time first_due)> after_commit = {}) {
  return [&intake, after_commit = std::move(after_commit)](store::InboundKey key, core::Event event,
                                                           AcceptDone done) {
    intake.submit(std::move(key), std::move(event),
                  [after_commit, done = std::move(done)](store::ProcessResult result) {
                    if (after_commit && result.first_due) after_commit(*result.first_due);
                    done(std::move(result));
                  });
  };
}

// `accept` as a SubmitFn: `done` is called before the call returns.
inline SubmitFn submit_via(AcceptFn accept) {
  return [accept = std::move(accept)](store::InboundKey key, core::Event event, AcceptDone done) {
    done(accept(key, event));
  };
}

}  // namespace reviewbot::http
