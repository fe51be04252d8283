// The /metrics renderer and reply: exposition format, escaping, every family present.
#include "reviewbot/admin/metrics.h"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reviewbot/admin/metrics_handler.h"

using namespace reviewbot;
using Kind = platform::SendResult::Kind;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text)) {
    if (l == line) return true;
  }
  return false;
}

// The metric name a sample line starts with.
std::string name_of(const std::string& sample) {
  return sample.substr(0, sample.find_first_of("{ "));
}

const std::vector<std::pair<std::string, std::string>> kFamilies = {
    {"reviewbot_platform_calls_total", "counter"},
    {"reviewbot_delivery_fallbacks_total", "counter"},
    {"reviewbot_delivery_in_doubt_total", "counter"},
    {"reviewbot_chat_migrations_total", "counter"},
    {"reviewbot_delivery_deferred_total", "counter"},
    {"reviewbot_platform_circuit_breaker_state", "gauge"},
    {"reviewbot_outbox_pending_rows", "gauge"},
    {"reviewbot_outbox_failed_rows", "gauge"},
    {"reviewbot_outbox_oldest_due_age_seconds", "gauge"},
    {"reviewbot_inputs_total", "counter"},
    {"reviewbot_input_batches_total", "counter"},
    {"reviewbot_batched_inputs_total", "counter"},
    {"reviewbot_early_decisions_total", "counter"},
    {"reviewbot_http_requests_total", "counter"},
    {"reviewbot_build_info", "gauge"},
    {"reviewbot_start_time_seconds", "gauge"},
};

admin::MetricsSnapshot full_snapshot() {
  admin::MetricsSnapshot s;
  s.platform_calls[static_cast<std::size_t>(Kind::kOk)] = 7;
  s.platform_calls[static_cast<std::size_t>(Kind::kRetryAfter)] = 2;
  s.fallback_plain_text = 3;
  s.fallback_no_keyboard = 4;
  s.in_doubt_resent = 5;
  s.in_doubt_not_resent = 6;
  s.chat_migrations = 8;
  s.deferred_rate_limit = 9;
  s.deferred_paused = 10;
  s.platform_state = delivery::CircuitBreaker::State::kHalfOpen;
  s.outbox = store::OutboxStats{12, 13, std::chrono::milliseconds(2500)};
  s.telegram_updates = {20, 21, 22};
  s.events = {30, 31, 32};
  s.input_batches = 40;
  s.batched_inputs = 123;
  s.early_decisions_kept = 50;
  s.early_decisions_redone = 4;
  s.http_requests = {{"/v1/events", 202, 4}, {"/healthz", 200, 3}, {"/v1/events", 200, 1}};
  s.version = "1.2.3";
  s.start_time_seconds = 1800000000.5;
  return s;
}

}  // namespace

TEST_CASE("every family has HELP and TYPE lines, and counters end in _total", "[metrics]") {
  const std::string text = admin::render_metrics(full_snapshot());
  for (const auto& [name, type] : kFamilies) {
    INFO(name);
    CHECK(text.find("# HELP " + name + " ") != std::string::npos);
    CHECK(has_line(text, "# TYPE " + name + " " + type));
    CHECK((type == "counter") == (name.size() > 6 && name.substr(name.size() - 6) == "_total"));
  }
  SECTION("and every sample belongs to a declared family, after its TYPE line") {
    std::set<std::string> declared;
    for (const auto& line : lines_of(text)) {
      if (line.rfind("# TYPE ", 0) == 0) {
        declared.insert(name_of(line.substr(7)));
      } else if (line.rfind("#", 0) != 0) {
        INFO(line);
        CHECK(declared.count(name_of(line)) == 1);
      }
    }
    CHECK(declared.size() == kFamilies.size());
  }
  SECTION("and the text ends with a newline") {
    REQUIRE_FALSE(text.empty());
    CHECK(text.back() == '\n');
  }
}

TEST_CASE("delivery counters are rendered with their labels", "[metrics]") {
  const std::string text = admin::render_metrics(full_snapshot());
  CHECK(has_line(text, R"(reviewbot_platform_calls_total{result="ok"} 7)"));
  CHECK(has_line(text, R"(reviewbot_platform_calls_total{result="retry_after"} 2)"));
  for (const char* kind : {"transient", "unknown", "parse_entities", "bad_markup", "forbidden",
                           "migrated", "rejected"}) {
    CHECK(has_line(text,
                   std::string(R"(reviewbot_platform_calls_total{result=")") + kind + R"("} 0)"));
  }
  CHECK(has_line(text, R"(reviewbot_delivery_fallbacks_total{fallback="plain_text"} 3)"));
  CHECK(has_line(text, R"(reviewbot_delivery_fallbacks_total{fallback="no_keyboard"} 4)"));
  CHECK(has_line(text, R"(reviewbot_delivery_in_doubt_total{action="resent"} 5)"));
  CHECK(has_line(text, R"(reviewbot_delivery_in_doubt_total{action="not_resent"} 6)"));
  CHECK(has_line(text, "reviewbot_chat_migrations_total 8"));
  CHECK(has_line(text, R"(reviewbot_delivery_deferred_total{reason="rate_limit"} 9)"));
  CHECK(has_line(text, R"(reviewbot_delivery_deferred_total{reason="paused"} 10)"));
}

TEST_CASE("the circuit breaker gauge is 0 closed, 1 half-open, 2 open", "[metrics]") {
  auto s = full_snapshot();
  s.platform_state = delivery::CircuitBreaker::State::kClosed;
  CHECK(has_line(admin::render_metrics(s), "reviewbot_platform_circuit_breaker_state 0"));
  s.platform_state = delivery::CircuitBreaker::State::kHalfOpen;
  CHECK(has_line(admin::render_metrics(s), "reviewbot_platform_circuit_breaker_state 1"));
  s.platform_state = delivery::CircuitBreaker::State::kOpen;
  CHECK(has_line(admin::render_metrics(s), "reviewbot_platform_circuit_breaker_state 2"));
}

TEST_CASE("outbox gauges show the store's counts and are left out when it failed", "[metrics]") {
  auto s = full_snapshot();
  std::string text = admin::render_metrics(s);
  CHECK(has_line(text, "reviewbot_outbox_pending_rows 12"));
  CHECK(has_line(text, "reviewbot_outbox_failed_rows 13"));
  CHECK(has_line(text, "reviewbot_outbox_oldest_due_age_seconds 2.5"));

  s.outbox.reset();
  text = admin::render_metrics(s);
  CHECK(text.find("\nreviewbot_outbox_pending_rows ") == std::string::npos);
  CHECK(text.find("\nreviewbot_outbox_failed_rows ") == std::string::npos);
  CHECK(text.find("\nreviewbot_outbox_oldest_due_age_seconds ") == std::string::npos);
  CHECK(has_line(text, "# TYPE reviewbot_outbox_pending_rows gauge"));
}

TEST_CASE("inputs are counted by source and outcome", "[metrics]") {
  const std::string text = admin::render_metrics(full_snapshot());
  CHECK(has_line(text, R"(reviewbot_inputs_total{source="telegram_update",outcome="applied"} 20)"));
  CHECK(
      has_line(text, R"(reviewbot_inputs_total{source="telegram_update",outcome="duplicate"} 21)"));
  CHECK(has_line(text,
                 R"(reviewbot_inputs_total{source="telegram_update",outcome="unavailable"} 22)"));
  CHECK(has_line(text, R"(reviewbot_inputs_total{source="event",outcome="applied"} 30)"));
  CHECK(has_line(text, R"(reviewbot_inputs_total{source="event",outcome="duplicate"} 31)"));
  CHECK(has_line(text, R"(reviewbot_inputs_total{source="event",outcome="unavailable"} 32)"));
}

TEST_CASE("group commits are counted with the inputs in them, and left out without any",
          "[metrics]") {
  auto s = full_snapshot();
  CHECK(has_line(admin::render_metrics(s), "reviewbot_input_batches_total 40"));
  CHECK(has_line(admin::render_metrics(s), "reviewbot_batched_inputs_total 123"));
  s.input_batches = 0;
  s.batched_inputs = 0;
  const std::string unbatched = admin::render_metrics(s);
  CHECK(unbatched.find("\nreviewbot_input_batches_total ") == std::string::npos);
  CHECK(has_line(unbatched, "# TYPE reviewbot_input_batches_total counter"));
}

TEST_CASE("early decisions are counted kept and redone, and left out without any", "[metrics]") {
  auto s = full_snapshot();
  const std::string text = admin::render_metrics(s);
  CHECK(has_line(text, R"(reviewbot_early_decisions_total{result="kept"} 50)"));
  CHECK(has_line(text, R"(reviewbot_early_decisions_total{result="redone"} 4)"));
  s.early_decisions_kept = 0;
  s.early_decisions_redone = 0;
  const std::string none = admin::render_metrics(s);
  CHECK(none.find("\nreviewbot_early_decisions_total{") == std::string::npos);
  CHECK(has_line(none, "# TYPE reviewbot_early_decisions_total counter"));
}

TEST_CASE("HTTP requests are listed by route, then code", "[metrics]") {
  const std::string text = admin::render_metrics(full_snapshot());
  const auto healthz = text.find(R"(reviewbot_http_requests_total{route="/healthz",code="200"} 3)");
  const auto events_200 =
      text.find(R"(reviewbot_http_requests_total{route="/v1/events",code="200"} 1)");
  const auto events_202 =
      text.find(R"(reviewbot_http_requests_total{route="/v1/events",code="202"} 4)");
  REQUIRE(healthz != std::string::npos);
  REQUIRE(events_200 != std::string::npos);
  REQUIRE(events_202 != std::string::npos);
  CHECK(healthz < events_200);
  CHECK(events_200 < events_202);
}

TEST_CASE("build info and start time describe the process", "[metrics]") {
  auto s = full_snapshot();
  std::string text = admin::render_metrics(s);
  CHECK(has_line(text, R"(reviewbot_build_info{version="1.2.3"} 1)"));
  CHECK(has_line(text, "reviewbot_start_time_seconds 1800000000.5"));
  s.version.clear();
  text = admin::render_metrics(s);
  CHECK(text.find("reviewbot_build_info{") == std::string::npos);
}

TEST_CASE("label values escape backslash, double quote and newline", "[metrics]") {
  CHECK(admin::escape_label_value("plain /v1/events") == "plain /v1/events");
  CHECK(admin::escape_label_value(R"(a\b)") == R"(a\\b)");
  CHECK(admin::escape_label_value(R"(say "hi")") == R"(say \"hi\")");
  CHECK(admin::escape_label_value("two\nlines") == R"(two\nlines)");

  auto s = full_snapshot();
  s.version = "1.0 \"rc\"\\\n";
  s.http_requests = {{"we\"ird\\\nroute", 404, 1}};
  const std::string text = admin::render_metrics(s);
  CHECK(has_line(text, R"(reviewbot_build_info{version="1.0 \"rc\"\\\n"} 1)"));
  CHECK(has_line(text, R"(reviewbot_http_requests_total{route="we\"ird\\\nroute",code="404"} 1)"));
}

TEST_CASE("copy_delivery_counters copies every field", "[metrics]") {
  delivery::DeliveryCounters c;
  c.count_call(Kind::kOk);
  c.count_call(Kind::kOk);
  c.count_call(Kind::kRejected);
  c.fallback_plain_text = 1;
  c.fallback_no_keyboard = 2;
  c.in_doubt_resent = 3;
  c.in_doubt_not_resent = 4;
  c.chat_migrations = 5;
  c.deferred_rate_limit = 6;
  c.deferred_paused = 7;
  admin::MetricsSnapshot s;
  admin::copy_delivery_counters(c, s);
  CHECK(s.platform_calls[static_cast<std::size_t>(Kind::kOk)] == 2);
  CHECK(s.platform_calls[static_cast<std::size_t>(Kind::kRejected)] == 1);
  CHECK(s.platform_calls[static_cast<std::size_t>(Kind::kTransient)] == 0);
  CHECK(s.fallback_plain_text == 1);
  CHECK(s.fallback_no_keyboard == 2);
  CHECK(s.in_doubt_resent == 3);
  CHECK(s.in_doubt_not_resent == 4);
  CHECK(s.chat_migrations == 5);
  CHECK(s.deferred_rate_limit == 6);
  CHECK(s.deferred_paused == 7);
}

TEST_CASE("the metrics reply is Prometheus text 0.0.4", "[metrics]") {
  const http::Reply reply = admin::handle_metrics(full_snapshot());
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(reply.body == admin::render_metrics(full_snapshot()));
}
