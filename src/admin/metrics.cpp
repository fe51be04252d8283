#include "reviewbot/admin/metrics.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <initializer_list>
#include <tuple>
#include <utility>

#include "reviewbot/delivery/outcome.h"

namespace reviewbot::admin {
namespace {

using Label = std::pair<std::string_view, std::string_view>;
using Kind = platform::SendResult::Kind;

std::string number(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

// Backslash and newline escaped; double quotes too when `quotes` (label values, not HELP).
std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(escape(help, false)).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void sample(std::string_view name, std::initializer_list<Label> labels, std::string_view value) {
    out_.append(name);
    if (labels.size() > 0) {
      out_.push_back('{');
      bool first = true;
      for (const auto& [key, label_value] : labels) {
        if (!first) out_.push_back(',');
        first = false;
        out_.append(key).append("=\"").append(escape_label_value(label_value)).append("\"");
      }
      out_.push_back('}');
    }
    out_.append(" ").append(value).append("\n");
  }
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

int breaker_gauge(delivery::CircuitBreaker::State state) {
  switch (state) {
    case delivery::CircuitBreaker::State::kClosed:
      return 0;
    case delivery::CircuitBreaker::State::kHalfOpen:
      return 1;
    case delivery::CircuitBreaker::State::kOpen:
      return 2;
  }
  return 2;
}

void render_delivery(const MetricsSnapshot& s, Exposition& e) {
  e.family("reviewbot_platform_calls_total", "counter",
           "Bot API calls made by the dispatcher (fallback resends included), by how the "
           "answer was classified.");
  for (std::size_t i = 0; i < s.platform_calls.size(); ++i) {
    e.sample("reviewbot_platform_calls_total",
             {{"result", delivery::kind_name(static_cast<Kind>(i))}}, s.platform_calls[i]);
  }
  e.family("reviewbot_delivery_fallbacks_total", "counter",
           "Messages resent in a simpler form after the platform refused them: plain_text "
           "after \"can't parse entities\", no_keyboard after a reply markup error.");
  e.sample("reviewbot_delivery_fallbacks_total", {{"fallback", "plain_text"}},
           s.fallback_plain_text);
  e.sample("reviewbot_delivery_fallbacks_total", {{"fallback", "no_keyboard"}},
           s.fallback_no_keyboard);
  e.family("reviewbot_delivery_in_doubt_total", "counter",
           "Sends that timed out after the request went out, so it may have arrived. "
           "resent: sent again, each a possible duplicate message; not_resent: not sent "
           "again, each possibly never delivered.");
  e.sample("reviewbot_delivery_in_doubt_total", {{"action", "resent"}}, s.in_doubt_resent);
  e.sample("reviewbot_delivery_in_doubt_total", {{"action", "not_resent"}}, s.in_doubt_not_resent);
  e.family("reviewbot_chat_migrations_total", "counter",
           "Chats moved to a new id after the platform answered migrate_to_chat_id.");
  e.sample("reviewbot_chat_migrations_total", {}, s.chat_migrations);
  e.family("reviewbot_delivery_deferred_total", "counter",
           "Outbox rows put back unsent: rate_limit when a per-bot or per-chat limit said "
           "wait, paused while the circuit breaker or a 429 pause held.");
  e.sample("reviewbot_delivery_deferred_total", {{"reason", "rate_limit"}}, s.deferred_rate_limit);
  e.sample("reviewbot_delivery_deferred_total", {{"reason", "paused"}}, s.deferred_paused);
  e.family("reviewbot_platform_circuit_breaker_state", "gauge",
           "The Bot API circuit breaker: 0 closed (sending), 1 half-open (probing), 2 open "
           "(not sending).");
  e.sample("reviewbot_platform_circuit_breaker_state", {},
           std::to_string(breaker_gauge(s.platform_state)));
}

void render_outbox(const MetricsSnapshot& s, Exposition& e) {
  e.family("reviewbot_outbox_pending_rows", "gauge",
           "Outbox messages not yet sent (due later, due now, or being retried).");
  if (s.outbox) e.sample("reviewbot_outbox_pending_rows", {}, std::to_string(s.outbox->pending));
  e.family("reviewbot_outbox_failed_rows", "gauge",
           "Outbox messages given up on (rejected, unreachable chat, or out of attempts).");
  if (s.outbox) e.sample("reviewbot_outbox_failed_rows", {}, std::to_string(s.outbox->failed));
  e.family("reviewbot_outbox_oldest_due_age_seconds", "gauge",
           "How long the pending message that has been due longest has waited; 0 when none "
           "is due. Grows while delivery falls behind.");
  if (s.outbox) {
    e.sample("reviewbot_outbox_oldest_due_age_seconds", {},
             number(std::chrono::duration<double>(s.outbox->oldest_due_age).count()));
  }
}

void render_inputs(const MetricsSnapshot& s, Exposition& e) {
  e.family("reviewbot_inputs_total", "counter",
           "Inbound inputs by source (telegram_update: webhook or getUpdates; event: POST "
           "/v1/events) and outcome (applied: committed; duplicate: seen before, nothing "
           "changed; unavailable: not committed, to be sent again).");
  for (const auto& [source, counts] :
       {std::pair<std::string_view, const InputCounts*>{"telegram_update", &s.telegram_updates},
        {"event", &s.events}}) {
    e.sample("reviewbot_inputs_total", {{"source", source}, {"outcome", "applied"}},
             counts->applied);
    e.sample("reviewbot_inputs_total", {{"source", source}, {"outcome", "duplicate"}},
             counts->duplicate);
    e.sample("reviewbot_inputs_total", {{"source", source}, {"outcome", "unavailable"}},
             counts->unavailable);
  }
  e.family("reviewbot_input_batches_total", "counter",
           "Transactions that committed inputs together (group commit; one fsync each on "
           "SQLite). Absent on PostgreSQL, where each input commits on its own.");
  e.family("reviewbot_batched_inputs_total", "counter",
           "Inputs in those transactions: divided by reviewbot_input_batches_total, the "
           "average batch.");
  if (s.input_batches > 0) {
    e.sample("reviewbot_input_batches_total", {}, s.input_batches);
    e.sample("reviewbot_batched_inputs_total", {}, s.batched_inputs);
  }
  e.family("reviewbot_early_decisions_total", "counter",
           "Inputs decided before their transaction, on the state read outside it (SQLite): "
           "kept when the transaction read the same state, else redone in it.");
  if (s.early_decisions_kept + s.early_decisions_redone > 0) {
    e.sample("reviewbot_early_decisions_total", {{"result", "kept"}}, s.early_decisions_kept);
    e.sample("reviewbot_early_decisions_total", {{"result", "redone"}}, s.early_decisions_redone);
  }
}

void render_http(const MetricsSnapshot& s, Exposition& e) {
  e.family("reviewbot_http_requests_total", "counter",
           "HTTP requests answered, by route (unmatched for unknown paths) and status code.");
  std::vector<const HttpRequestCount*> rows;
  for (const auto& r : s.http_requests) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return std::tie(a->route, a->code) < std::tie(b->route, b->code);
  });
  for (const auto* r : rows) {
    const std::string code = std::to_string(r->code);
    e.sample("reviewbot_http_requests_total", {{"route", r->route}, {"code", code}}, r->count);
  }
}

void render_process(const MetricsSnapshot& s, Exposition& e) {
  e.family("reviewbot_build_info", "gauge", "Always 1; the version label names the build.");
  if (!s.version.empty()) e.sample("reviewbot_build_info", {{"version", s.version}}, "1");
  e.family("reviewbot_start_time_seconds", "gauge",
           "When the process started, in seconds since the Unix epoch.");
  e.sample("reviewbot_start_time_seconds", {}, number(s.start_time_seconds));
}

}  // namespace

void copy_delivery_counters(const delivery::DeliveryCounters& c, MetricsSnapshot& out) {
  using delivery::DeliveryCounters;
  for (std::size_t i = 0; i < c.calls.size(); ++i) {
    out.platform_calls[i] = DeliveryCounters::load(c.calls[i]);
  }
  out.fallback_plain_text = DeliveryCounters::load(c.fallback_plain_text);
  out.fallback_no_keyboard = DeliveryCounters::load(c.fallback_no_keyboard);
  out.in_doubt_resent = DeliveryCounters::load(c.in_doubt_resent);
  out.in_doubt_not_resent = DeliveryCounters::load(c.in_doubt_not_resent);
  out.chat_migrations = DeliveryCounters::load(c.chat_migrations);
  out.deferred_rate_limit = DeliveryCounters::load(c.deferred_rate_limit);
  out.deferred_paused = DeliveryCounters::load(c.deferred_paused);
}

std::string escape_label_value(std::string_view value) { return escape(value, true); }

std::string render_metrics(const MetricsSnapshot& snapshot) {
  Exposition e;
  render_delivery(snapshot, e);
  render_outbox(snapshot, e);
  render_inputs(snapshot, e);
  render_http(snapshot, e);
  render_process(snapshot, e);
  return e.take();
}

}  // namespace reviewbot::admin
