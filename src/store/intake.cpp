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

}  // namespace reviewbot::store
