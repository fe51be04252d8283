#include "reviewbot/admin/metrics_handler.h"

#include <spdlog/spdlog.h>

#include <chrono>

// The CMake project version, defined for this file by CMakeLists.txt.
#ifndef REVIEWBOT_VERSION
#define REVIEWBOT_VERSION ""
#endif

namespace reviewbot::admin {
namespace {

InputCounts input_counts(const store::InputCounters& counters, store::InboundKey::Source source) {
  using Status = store::ProcessResult::Status;
  return InputCounts{counters.get(source, Status::kApplied),
                     counters.get(source, Status::kDuplicate),
                     counters.get(source, Status::kUnavailable)};
}

}  // namespace

MetricsSnapshot collect_metrics(const MetricsSources& sources) {
  MetricsSnapshot snapshot;
  copy_delivery_counters(sources.dispatcher.counters(), snapshot);
  snapshot.platform_state = sources.dispatcher.platform_state();

  auto outbox = sources.store.outbox_stats(sources.clock.now());
  if (outbox) {
    snapshot.outbox = *outbox;
  } else {
    spdlog::warn("metrics: outbox counts unavailable: {}", outbox.error().message);
  }

  snapshot.telegram_updates =
      input_counts(sources.inputs, store::InboundKey::Source::kTelegramUpdate);
  snapshot.events = input_counts(sources.inputs, store::InboundKey::Source::kEvent);
  snapshot.input_batches = sources.inputs.batches();
  snapshot.batched_inputs = sources.inputs.batched_inputs();
  snapshot.early_decisions_kept = sources.inputs.early_decisions(true);
  snapshot.early_decisions_redone = sources.inputs.early_decisions(false);

  snapshot.version = REVIEWBOT_VERSION;
  snapshot.start_time_seconds =
      std::chrono::duration<double>(sources.started_at.time_since_epoch()).count();
  return snapshot;
}

http::Reply handle_metrics(const MetricsSnapshot& snapshot) {
  http::Reply reply;
  reply.status = 200;
  reply.content_type = kMetricsContentType;
  reply.body = render_metrics(snapshot);
  return reply;
}

http::Route metrics_route(MetricsFn metrics) {
  return http::Route{http::Route::Method::kGet, "/metrics", http::Access::kPublic, false,
                     [metrics = std::move(metrics)](const http::Request& req) {
                       MetricsSnapshot snapshot = metrics ? metrics() : MetricsSnapshot{};
                       snapshot.http_requests = req.server.request_counts();
                       return handle_metrics(snapshot);
                     }};
}

}  // namespace reviewbot::admin
