// The /metrics page as a pure function: a MetricsSnapshot (plain numbers copied from the
// service's counters and the store) rendered in the Prometheus text exposition format
// 0.0.4. Families and their meaning are listed in README.md "Metrics".
// Value types and a stateless function; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reviewbot/delivery/circuit_breaker.h"
#include "reviewbot/delivery/delivery_counters.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Inputs of one source by how the store answered.
struct InputCounts {
  std::uint64_t applied = 0;
  std::uint64_t duplicate = 0;
  std::uint64_t unavailable = 0;
};

using HttpRequestCount = http::RequestCount;

struct MetricsSnapshot {
  // Delivery (delivery::DeliveryCounters); platform_calls is indexed by SendResult::Kind.
  std::array<std::uint64_t, delivery::kSendResultKinds> platform_calls{};
  std::uint64_t fallback_plain_text = 0;
  std::uint64_t fallback_no_keyboard = 0;
  std::uint64_t in_doubt_resent = 0;
  std::uint64_t in_doubt_not_resent = 0;
  std::uint64_t chat_migrations = 0;
  std::uint64_t deferred_rate_limit = 0;
  std::uint64_t deferred_paused = 0;
  delivery::CircuitBreaker::State platform_state = delivery::CircuitBreaker::State::kClosed;

  std::optional<store::OutboxStats> outbox;  // nullopt: the store could not be read

  InputCounts telegram_updates;      // webhook or getUpdates
  InputCounts events;                // POST /v1/events
  std::uint64_t input_batches = 0;   // group commits (store::InputCounters::batches)
  std::uint64_t batched_inputs = 0;  // inputs in them
  // Decisions made before the input's transaction, kept or made again in it
  // (store::InputCounters::early_decisions).
  std::uint64_t early_decisions_kept = 0;
  std::uint64_t early_decisions_redone = 0;

  std::vector<HttpRequestCount> http_requests;  // any order

  std::string version;              // empty: no reviewbot_build_info sample
  double start_time_seconds = 0.0;  // Unix time the process started
};

// Produces the snapshot on each scrape (e.g. collect_metrics in metrics_handler.h).
using MetricsFn = std::function<MetricsSnapshot()>;

// Copies each counter of `counters` into `out` (each value exact; not one instant).
void copy_delivery_counters(const delivery::DeliveryCounters& counters, MetricsSnapshot& out);

// The exposition text: every family with # HELP and # TYPE, samples in a stable order
// (label values escaped: backslash, double quote, newline). Families without data (outbox
// when the store failed, HTTP before any request) keep their HELP/TYPE lines only.
std::string render_metrics(const MetricsSnapshot& snapshot);

// A label value as the text format wants it inside double quotes.
std::string escape_label_value(std::string_view value);

}  // namespace reviewbot::admin
