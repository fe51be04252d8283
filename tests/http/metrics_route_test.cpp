// GET /metrics on a loopback HttpServer over fakes: no auth, Prometheus content type, the
// service's snapshot plus the server's own request counts by route and status.
#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_intake.h"
#include "fakes/fake_store.h"
#include "fakes/fake_update_parser.h"
#include "http/loopback.h"
#include "reviewbot/http/server.h"
#include "reviewbot/service/routes.h"

using namespace reviewbot;

namespace {

struct MetricsServer {
  explicit MetricsServer(admin::MetricsFn metrics) {
    server = std::make_unique<http::HttpServer>(
        testing::loopback_settings(4, "admin-token"),
        service::service_routes(service::RouteSources{.store = store,
                                                      .clock = clock,
                                                      .accept = intake.fn(),
                                                      .parse_update = testing::fake_parse_update,
                                                      .make_start_parameter = {},
                                                      .readiness = {},
                                                      .metrics = std::move(metrics)}));
    REQUIRE(server->start().ok());
  }
  httplib::Client client() const { return testing::loopback_client(*server); }
  // GET /metrics, checked to be a 200.
  std::string scrape() const {
    auto res = client().Get("/metrics");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return res->body;
  }

  testing::FakeStore store;
  testing::FakeClock clock;
  testing::FakeIntake intake{store};
  std::unique_ptr<http::HttpServer> server;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A request is counted just after its answer is written, so a client may see the answer
// first: scrape until every line in `lines` is there or 5 s pass; returns the last scrape.
std::string scrape_until(const MetricsServer& h, const std::vector<std::string>& lines) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string text;
  for (;;) {
    text = h.scrape();
    const bool all = std::all_of(lines.begin(), lines.end(),
                                 [&](const std::string& line) { return contains(text, line); });
    if (all || std::chrono::steady_clock::now() > deadline) return text;
    std::this_thread::yield();
  }
}

}  // namespace

TEST_CASE("GET /metrics answers Prometheus text without auth", "[server][metrics]") {
  MetricsServer h([] {
    admin::MetricsSnapshot s;
    s.events.duplicate = 4;
    s.version = "9.9.9";
    return s;
  });
  auto res = h.client().Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(contains(res->body, "reviewbot_inputs_total{source=\"event\",outcome=\"duplicate\"} 4\n"));
  CHECK(contains(res->body, "reviewbot_build_info{version=\"9.9.9\"} 1\n"));

  SECTION("HEAD works and other methods get 405") {
    auto head = h.client().Head("/metrics");
    REQUIRE(head);
    CHECK(head->status == 200);
    auto post = h.client().Post("/metrics", "", "text/plain");
    REQUIRE(post);
    CHECK(post->status == 405);
    CHECK(post->get_header_value("Allow") == "GET, HEAD");
  }
}

TEST_CASE("requests are counted by route pattern and status, unknown paths as unmatched",
          "[server][metrics]") {
  MetricsServer h({});
  auto c = h.client();
  REQUIRE(c.Get("/healthz"));
  REQUIRE(c.Get("/healthz"));
  REQUIRE(c.Get("/v1/stats"));  // no bearer: 401
  REQUIRE(c.Get("/v1/stats?x=1", {{"Authorization", "Bearer admin-token"}}));
  REQUIRE(c.Get("/no/such/path-123"));
  REQUIRE(c.Delete("/healthz"));

  const std::vector<std::string> expected = {
      "reviewbot_http_requests_total{route=\"/healthz\",code=\"200\"} 2\n",
      "reviewbot_http_requests_total{route=\"/healthz\",code=\"405\"} 1\n",
      "reviewbot_http_requests_total{route=\"/v1/stats\",code=\"401\"} 1\n",
      "reviewbot_http_requests_total{route=\"/v1/stats\",code=\"200\"} 1\n",
      "reviewbot_http_requests_total{route=\"unmatched\",code=\"404\"} 1\n"};
  const std::string text = scrape_until(h, expected);
  for (const auto& line : expected) CHECK(contains(text, line));
  CHECK_FALSE(contains(text, "path-123"));
  const std::string scrape = "reviewbot_http_requests_total{route=\"/metrics\",code=\"200\"} ";
  CHECK(contains(scrape_until(h, {scrape}), scrape));  // scrapes are counted too
}

TEST_CASE("without a metrics source /metrics still lists every family", "[server][metrics]") {
  MetricsServer h({});
  const std::string text = h.scrape();
  CHECK(contains(text, "# TYPE reviewbot_platform_calls_total counter\n"));
  CHECK(contains(text, "reviewbot_outbox_pending_rows gauge\n"));
  CHECK_FALSE(contains(text, "\nreviewbot_outbox_pending_rows "));
  CHECK(contains(text, "# TYPE reviewbot_http_requests_total counter\n"));
}
