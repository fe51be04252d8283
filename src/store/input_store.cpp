#include "reviewbot/store/input_store.h"

namespace reviewbot::store {

std::vector<ProcessResult> InputStore::process_batch(std::span<const BatchInput> inputs) {
  std::vector<ProcessResult> results;
  results.reserve(inputs.size());
  for (const BatchInput& input : inputs) {
    results.push_back(process(*input.key, *input.lookup, *input.decide));
  }
  return results;
}

}  // namespace reviewbot::store
