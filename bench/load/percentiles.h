// Latency summaries: count, mean, p50/p90/p99 (nearest rank) and max of a sample.
// Plain functions on values.
#pragma once

#include <cstddef>
#include <vector>

namespace load {

struct Summary {
  std::size_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

// Nearest-rank percentile of a sorted, non-empty sample; `p` in (0, 100].
double percentile(const std::vector<double>& sorted, double p);

// All zeros for an empty sample.
Summary summarize(std::vector<double> values);

}  // namespace load
