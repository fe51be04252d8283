#include "load/burst.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

#include "load/flow.h"
#include "load/json_client.h"
#include "load/transcript.h"

namespace load {
namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Posts one event until it is acknowledged (503 means "not committed, try again").
bool post_until_acked(JsonClient& reviewbot, const nlohmann::json& event,
                      Clock::time_point deadline, std::string& error) {
  for (;;) {
    const JsonResponse r = reviewbot.post("/v1/events", event);
    if (r.ok()) return true;
    error = r.describe();
    if ((r.status != 503 && r.status != 0) || Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::int64_t sent_requests(JsonClient& mock) {
  const JsonResponse r = mock.get("/_mock/stats");
  if (!r.ok()) return -1;
  return r.body["calls"].value("sendMessage", nlohmann::json::object()).value("200", 0);
}

}  // namespace

BurstResult run_burst(const Options& o) {
  BurstResult out;
  out.events = o.customers;
  const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
  JsonClient mock(o.mock_url);
  std::vector<std::int64_t> chats;
  for (int i = 0; i < o.customers; ++i) {
    const JsonResponse r = mock.post(
        "/_mock/users", {{"name", "Burst " + std::to_string(i)}, {"language_code", "en"}});
    if (!r.ok()) {
      out.errors.push_back("POST /_mock/users: " + r.describe());
      return out;
    }
    chats.push_back(r.body["user_id"].get<std::int64_t>());
  }
  const std::int64_t sent_before = sent_requests(mock);

  // Every event at once: each worker posts the next one as soon as its last is acked.
  std::atomic<int> next{0};
  std::mutex mu;  // guards ack_ms, out.acked, out.errors
  std::vector<double> ack_ms;
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < std::max(1, o.concurrency); ++w) {
    workers.emplace_back([&, w] {
      JsonClient reviewbot(o.reviewbot_urls[static_cast<std::size_t>(w) % o.reviewbot_urls.size()],
                           o.admin_token);
      for (int i = next++; i < o.customers; i = next++) {
        const auto sent = Clock::now();
        std::string error;
        const bool acked = post_until_acked(reviewbot, sale_event(o, i, chats[i]), deadline, error);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        std::lock_guard lock(mu);
        if (acked) {
          ++out.acked;
          ack_ms.push_back(ms);
        } else if (out.errors.size() < 5) {
          out.errors.push_back("POST /v1/events: " + error);
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  out.ack_all_s = seconds_since(start);
  out.ack_ms = summarize(ack_ms);

  // Drained when mock_platform has run one sendMessage per acknowledged event.
  while (Clock::now() < deadline && sent_requests(mock) - sent_before < out.acked) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  out.delivered_s = seconds_since(start);

  for (const std::int64_t chat : chats) {
    const JsonResponse r = mock.get("/_mock/chats/" + std::to_string(chat));
    const int n = r.ok() ? count_requests(parse_transcript(r.body)) : 0;
    (n == 0 ? out.lost : n == 1 ? out.delivered : out.duplicated) += 1;
  }
  if (const JsonResponse s = mock.get("/_mock/stats"); s.ok()) {
    out.duplicate_sends = s.body.value("duplicate_sends", 0);
    for (const auto& [method, by_status] : s.body["calls"].items()) {
      out.rate_limited += by_status.value("429", 0);
    }
  }
  if (const JsonResponse t = mock.get("/_mock/timeline"); t.ok()) {
    const auto& buckets = t.body["buckets"];
    if (!buckets.empty()) {
      const std::int64_t first = buckets.front()["t"].get<std::int64_t>();
      for (const auto& b : buckets) {
        const auto second = static_cast<std::size_t>(b["t"].get<std::int64_t>() - first);
        out.per_second.resize(std::max(out.per_second.size(), second + 1), 0);
        out.per_second[second] = b["sent"].get<std::int64_t>();
        out.max_per_second = std::max(out.max_per_second, out.per_second[second]);
      }
    }
  }
  JsonClient reviewbot(o.reviewbot_url, o.admin_token);
  if (const JsonResponse s = reviewbot.get("/v1/stats"); s.ok()) {
    out.requests_sent = s.body.value("requests_sent", std::int64_t{-1});
  }
  return out;
}

std::string format_burst(const Options& o, const BurstResult& r) {
  std::ostringstream out;
  out.precision(3);
  out << "burst: " << r.events << " sale events posted at once over " << o.concurrency
      << " connections";
  if (o.reviewbot_urls.size() > 1) out << " to " << o.reviewbot_urls.size() << " instances";
  out << "\n";
  out << "acknowledged: " << r.acked << "/" << r.events << " in " << r.ack_all_s
      << " s; per event p50 " << r.ack_ms.p50 << " ms, p99 " << r.ack_ms.p99 << " ms, max "
      << r.ack_ms.max << " ms\n";
  const std::size_t active = r.per_second.size();
  out << "delivered: " << r.delivered << " requests, all sent " << r.delivered_s
      << " s after the burst began; " << active << " s of sending, max " << r.max_per_second
      << " calls in one second, mean "
      << (active > 0 ? static_cast<double>(r.delivered) / static_cast<double>(active) : 0.0)
      << "/s\n";
  out << "429s: " << r.rate_limited << "   lost: " << r.lost << "   duplicated: " << r.duplicated
      << " (mock duplicate_sends " << r.duplicate_sends
      << ")   reviewbot requests_sent: " << r.requests_sent << "\n";
  out << "send rate (message calls per second):\n";
  for (std::size_t s = 0; s < active; ++s) {
    out << "  " << (s < 10 ? " " : "") << (s < 100 ? " " : "") << s << " s  "
        << (r.per_second[s] < 10 ? " " : "") << r.per_second[s] << " "
        << std::string(static_cast<std::size_t>(r.per_second[s]), '#') << "\n";
  }
  for (const auto& e : r.errors) out << "error: " << e << "\n";
  out << (burst_passed(r, o) ? "PASS" : "FAIL") << "\n";
  return out.str();
}

bool burst_passed(const BurstResult& r, const Options& o) {
  return r.errors.empty() && r.acked == r.events && r.delivered == r.events && r.lost == 0 &&
         r.duplicated == 0 && r.rate_limited == 0 && r.duplicate_sends == 0 &&
         r.requests_sent == r.events && r.max_per_second <= 30 && o.customers == r.events;
}

}  // namespace load
