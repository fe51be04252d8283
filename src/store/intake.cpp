#include "reviewbot/store/intake.h"

namespace reviewbot::store {

ProcessResult Intake::accept(const InboundKey& key, const core::Event& event) {
  const core::Lookup lookup = engine_.lookup_for(event);
  return store_.process(key, lookup, [&](const core::Snapshot& snapshot) {
    return engine_.decide(event, snapshot, clock_.now());
  });
}

}  // namespace reviewbot::store
