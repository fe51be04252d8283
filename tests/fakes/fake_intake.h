// Stands in for store::Intake in HTTP tests: records each accepted event and commits it
// through a FakeStore with a fixed engine outcome, so dedup and forced failures come from
// the store as in production. Thread-safe.
#pragma once

#include <mutex>
#include <vector>

#include "fakes/fake_store.h"
#include "reviewbot/http/accept.h"

namespace reviewbot::testing {

class FakeIntake {
 public:
  explicit FakeIntake(FakeStore& store) : store_(store) {}

  void set_outcome(core::Outcome outcome) {
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
  }
  std::vector<core::Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

  store::ProcessResult accept(const store::InboundKey& key, const core::Event& event) {
    core::Outcome outcome;
    {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
      outcome = outcome_;
    }
    return store_.process(key, core::Lookup{}, [&](const core::Snapshot&) {
      core::Decision d;
      d.outcome = outcome;
      return d;
    });
  }

  http::AcceptFn fn() {
    return [this](const store::InboundKey& k, const core::Event& e) { return accept(k, e); };
  }

 private:
  FakeStore& store_;
  mutable std::mutex mutex_;
  core::Outcome outcome_{core::Outcome::Status::kScheduled, ""};
  std::vector<core::Event> events_;
};

}  // namespace reviewbot::testing
