// GET /metrics as plain functions: gather a MetricsSnapshot from the running service's
// parts, and answer with the rendered page. The HttpServer adds its own request counts in
// between. Thread-safe: each source is read through its thread-safe accessor.
#pragma once

#include "reviewbot/admin/metrics.h"
#include "reviewbot/core/clock.h"
#include "reviewbot/delivery/dispatcher.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/input_counters.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

// What the service exposes; all must outlive the collector.
struct MetricsSources {
  const delivery::Dispatcher& dispatcher;
  const store::InputCounters& inputs;  // Intake::counters()
  store::OwnerReads& store;            // one cheap outbox_stats() per scrape
  const core::Clock& clock;
  core::Time started_at;
};

// Everything but the HTTP request counts, plus the build's version. A store failure is
// logged and leaves `outbox` empty; it never fails the scrape.
MetricsSnapshot collect_metrics(const MetricsSources& sources);

// 200 with render_metrics(snapshot) as kMetricsContentType.
http::Reply handle_metrics(const MetricsSnapshot& snapshot);

// GET /metrics, Access::kPublic: `metrics()` (empty: nothing but the HTTP counts) plus the
// server's request counts.
http::Route metrics_route(MetricsFn metrics);

}  // namespace reviewbot::admin
