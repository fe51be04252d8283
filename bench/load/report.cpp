#include "load/report.h"

#include <cstdio>
#include <map>

#include "load/percentiles.h"

namespace load {
namespace {

struct StepSummaries {
  Summary trigger_to_request, press_to_prompt, comment_to_thanks, flow;
};

StepSummaries summarize_steps(const RunResult& run) {
  std::vector<double> a, b, c, d;
  for (const auto& f : run.flows) {
    if (!f.completed) continue;
    a.push_back(f.trigger_to_request_ms);
    b.push_back(f.press_to_prompt_ms);
    c.push_back(f.comment_to_thanks_ms);
    d.push_back(f.flow_ms);
  }
  return {summarize(a), summarize(b), summarize(c), summarize(d)};
}

std::int64_t total_polls(const RunResult& run) {
  std::int64_t n = 0;
  for (const auto& f : run.flows) n += f.polls;
  return n;
}

int completed_flows(const RunResult& run) {
  int n = 0;
  for (const auto& f : run.flows) n += f.completed ? 1 : 0;
  return n;
}

double flows_per_second(const RunResult& run) {
  return run.wall_s > 0 ? completed_flows(run) / run.wall_s : 0;
}

// Failure reasons with their counts, reasons cut to their step and cause.
std::map<std::string, int> failure_counts(const RunResult& run) {
  std::map<std::string, int> out;
  for (const auto& f : run.flows) {
    if (!f.completed) ++out[f.failure.substr(0, 160)];
  }
  return out;
}

nlohmann::json summary_json(const Summary& s) {
  return {{"count", s.count}, {"mean_ms", s.mean}, {"p50_ms", s.p50},
          {"p90_ms", s.p90},  {"p99_ms", s.p99},   {"max_ms", s.max}};
}

std::string summary_line(const char* name, const Summary& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-20s %8.1f %8.1f %8.1f %8.1f %8.1f\n", name, s.p50, s.p90,
                s.p99, s.max, s.mean);
  return buf;
}

std::string distribution_text(const std::array<std::int64_t, 5>& d) {
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += (i ? " " : "") + std::to_string(i + 1) + ":" + std::to_string(d[i]);
  }
  return out;
}

}  // namespace

int lost_flows(const Report& r) {
  return static_cast<int>(r.run.flows.size()) - completed_flows(r.run);
}

std::int64_t duplicates(const Report& r) {
  const Verification& v = r.verification;
  return v.mock_duplicate_sends + v.chats_with_duplicate_request + v.reviews_duplicated;
}

bool passed(const Report& r) {
  const Verification& v = r.verification;
  return lost_flows(r) == 0 && duplicates(r) == 0 && v.reviews_missing == 0 &&
         v.reviews_mismatched == 0 && v.errors.empty();
}

std::string format_text(const Report& r) {
  const Verification& v = r.verification;
  const StepSummaries s = summarize_steps(r.run);
  char head[256];
  std::snprintf(head, sizeof head,
                "load: %d customers, trigger %s, concurrency %d\n"
                "completed %d, lost %d, in %.2f s: %.1f flows/s\n",
                r.options.customers, to_string(r.options.trigger), r.options.concurrency,
                completed_flows(r.run), lost_flows(r), r.run.wall_s, flows_per_second(r.run));
  std::string out = head;
  char polls[160];
  std::snprintf(polls, sizeof polls,
                "transcript polls %lld (%.0f/s, every %d ms per waiting customer)\n\n",
                static_cast<long long>(total_polls(r.run)),
                r.run.wall_s > 0 ? static_cast<double>(total_polls(r.run)) / r.run.wall_s : 0.0,
                r.options.poll_ms);
  out += polls;
  out += "  latency (ms)             p50      p90      p99      max     mean\n";
  out += summary_line("trigger -> request", s.trigger_to_request);
  out += summary_line("press -> prompt", s.press_to_prompt);
  out += summary_line("comment -> thanks", s.comment_to_thanks);
  out += summary_line("whole flow", s.flow);
  out += "\ncorrectness\n";
  out += "  requests seen in chats    " + std::to_string(v.requests_seen) + "\n";
  out += "  chats with 2+ requests    " + std::to_string(v.chats_with_duplicate_request) + "\n";
  out += "  mock duplicate_sends      " + std::to_string(v.mock_duplicate_sends) + "\n";
  out += "  /v1/stats requests_sent   " + std::to_string(v.stats_requests_sent) + ", responses " +
         std::to_string(v.stats_responses) + "\n";
  out += "  /v1/stats distribution    " + distribution_text(v.stats_distribution) + " (pressed " +
         distribution_text(v.expected_distribution) + ")\n";
  out += "  /v1/reviews listed        " + std::to_string(v.reviews_listed) + " (duplicated " +
         std::to_string(v.reviews_duplicated) + ", missing " + std::to_string(v.reviews_missing) +
         ", mismatched " + std::to_string(v.reviews_mismatched) + ")\n";
  out += "  webhook updates delivered " + std::to_string(v.updates_delivered) + ", retries " +
         std::to_string(v.delivery_retries) + "\n";
  out += "  Bot API calls             " + v.mock_calls.dump() + "\n";
  for (const auto& [why, count] : failure_counts(r.run)) {
    out += "  lost x" + std::to_string(count) + ": " + why + "\n";
  }
  for (const auto& e : v.errors) out += "  check failed: " + e + "\n";
  out += std::string("\nresult: ") + (passed(r) ? "PASS" : "FAIL") + " (lost " +
         std::to_string(lost_flows(r)) + ", duplicates " + std::to_string(duplicates(r)) + ")\n";
  return out;
}

nlohmann::json to_json(const Report& r) {
  const Verification& v = r.verification;
  const StepSummaries s = summarize_steps(r.run);
  nlohmann::json failures = nlohmann::json::object();
  for (const auto& [why, count] : failure_counts(r.run)) failures[why] = count;
  return {
      {"customers", r.options.customers},
      {"concurrency", r.options.concurrency},
      {"trigger", to_string(r.options.trigger)},
      {"completed", completed_flows(r.run)},
      {"lost", lost_flows(r)},
      {"duplicates", duplicates(r)},
      {"wall_s", r.run.wall_s},
      {"flows_per_s", flows_per_second(r.run)},
      {"poll_ms", r.options.poll_ms},
      {"transcript_polls", total_polls(r.run)},
      {"latency",
       {{"trigger_to_request", summary_json(s.trigger_to_request)},
        {"press_to_prompt", summary_json(s.press_to_prompt)},
        {"comment_to_thanks", summary_json(s.comment_to_thanks)},
        {"flow", summary_json(s.flow)}}},
      {"correctness",
       {{"requests_seen", v.requests_seen},
        {"chats_with_duplicate_request", v.chats_with_duplicate_request},
        {"mock_duplicate_sends", v.mock_duplicate_sends},
        {"stats_requests_sent", v.stats_requests_sent},
        {"stats_responses", v.stats_responses},
        {"stats_distribution", v.stats_distribution},
        {"expected_distribution", v.expected_distribution},
        {"reviews_listed", v.reviews_listed},
        {"reviews_duplicated", v.reviews_duplicated},
        {"reviews_missing", v.reviews_missing},
        {"reviews_mismatched", v.reviews_mismatched},
        {"updates_delivered", v.updates_delivered},
        {"delivery_retries", v.delivery_retries},
        {"bot_api_calls", v.mock_calls},
        {"errors", v.errors}}},
      {"failures", failures},
      {"passed", passed(r)},
  };
}

}  // namespace load
