// HttpServer over loopback on port 0, with a FakeStore behind a fake intake.
#include "reviewbot/http/server.h"

#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "fakes/fake_clock.h"
#include "fakes/fake_intake.h"
#include "fakes/fake_store.h"
#include "fakes/fake_update_parser.h"
#include "http/loopback.h"
#include "reviewbot/http/auth.h"
#include "reviewbot/http/rfc3339.h"
#include "reviewbot/service/routes.h"

using namespace reviewbot;
using nlohmann::json;

namespace {

constexpr const char* kToken = "admin-token";
constexpr const char* kSecret = "hook-secret";

// The service's routes over `store` with `accept` as the intake and nothing else wired.
http::Routes routes_with(testing::FakeStore& store, testing::FakeClock& clock,
                         http::AcceptFn accept) {
  return service::service_routes(service::RouteSources{.store = store,
                                                       .clock = clock,
                                                       .accept = std::move(accept),
                                                       .parse_update = testing::fake_parse_update,
                                                       .make_start_parameter = {},
                                                       .readiness = {}});
}

struct Harness {
  explicit Harness(http::ServerSettings s = defaults()) {
    server = std::make_unique<http::HttpServer>(
        std::move(s), service::service_routes(service::RouteSources{
                          .store = store,
                          .clock = clock,
                          .accept = intake.fn(),
                          .parse_update = testing::fake_parse_update,
                          .make_start_parameter =
                              [](const std::string&, const std::string& id) {
                                return core::Result<std::string>("sp-" + id);
                              },
                          .readiness =
                              [this] {
                                return http::Readiness{{{"database", store.ping()}}};
                              },
                          .bot_username = "shop_bot"}));
    auto started = server->start();
    REQUIRE(started.ok());
    REQUIRE(server->port() > 0);
  }

  static http::ServerSettings defaults() {
    http::ServerSettings s = testing::loopback_settings(8, kToken);
    s.webhook_secret = kSecret;
    s.max_body_bytes = 64 * 1024;
    return s;
  }

  httplib::Client client() const { return testing::loopback_client(*server); }

  testing::FakeStore store;
  testing::FakeClock clock;
  testing::FakeIntake intake{store};
  std::unique_ptr<http::HttpServer> server;
};

const httplib::Headers kWebhookHeaders = {{"X-Telegram-Bot-Api-Secret-Token", kSecret}};
const httplib::Headers kAdminHeaders = {{"Authorization", std::string("Bearer ") + kToken}};
const std::string kUpdate =
    R"({"update_id": 100, "message": {"chat": {"id": 5}, "text": "thanks"}})";
const std::string kEvent = R"({"id":"evt-1","type":"transaction.completed",
  "occurred_at":"2026-11-18T10:00:00Z","customer":{"telegram_chat_id":1001},
  "transaction":{"id":"T-1"}})";

core::Review review(int64_t id, int rating, std::optional<std::string> comment, std::string name) {
  core::Review r;
  r.id = id;
  r.rating = rating;
  r.comment = std::move(comment);
  r.chat_id = -1001234567890;
  r.external_id = "C-" + std::to_string(id);
  r.customer_name = std::move(name);
  r.transaction_id = "T-" + std::to_string(id);
  r.template_name = "default";
  r.variant = "a";
  r.locale = "en";
  r.requested_at = *http::parse_rfc3339("2026-11-22T10:00:00Z");
  r.answered_at = *http::parse_rfc3339("2026-11-22T10:05:00Z");
  return r;
}

}  // namespace

TEST_CASE("the webhook answers per the documented status codes", "[server][webhook]") {
  Harness h;
  auto c = h.client();

  SECTION("wrong or missing secret → 401") {
    auto res = c.Post("/webhook/telegram", {{"X-Telegram-Bot-Api-Secret-Token", "nope"}}, kUpdate,
                      "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json::parse(res->body).contains("error"));
    res = c.Post("/webhook/telegram", kUpdate, "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(h.store.process_calls().empty());
  }
  SECTION("an oversized body → 413") {
    const std::string big = R"({"update_id":1,"pad":")" + std::string(70 * 1024, 'x') + "\"}";
    auto res = c.Post("/webhook/telegram", kWebhookHeaders, big, "application/json");
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(json::parse(res->body)["error"] == "request body too large");
    SECTION("and the connection still serves the next request") {
      auto next = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
      REQUIRE(next);
      CHECK(next->status == 200);
    }
  }
  SECTION("an oversized chunked body → 413 without buffering it all") {
    const std::string piece(16 * 1024, 'x');
    auto res = c.Post(
        "/webhook/telegram", kWebhookHeaders,
        [&, sent = 0](size_t, httplib::DataSink& sink) mutable {
          if (sent++ < 8) {
            sink.write(piece.data(), piece.size());
          } else {
            sink.done();
          }
          return true;
        },
        "application/json");
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(h.store.process_calls().empty());
  }
  SECTION("a gzipped body → 415 (a compressed body could not be limited before decoding)") {
    c.set_compress(true);
    auto res = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
    REQUIRE(res);
    CHECK(res->status == 415);
    CHECK(h.store.process_calls().empty());
  }
  SECTION("malformed JSON → 400") {
    auto res = c.Post("/webhook/telegram", kWebhookHeaders, "{not json", "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  }
  SECTION("an applied update → 200 {\"ok\":true}") {
    auto res = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body) == json{{"ok", true}});
    REQUIRE(h.store.process_calls().size() == 1);
    CHECK(h.store.process_calls()[0].key.id == "100");
  }
  SECTION("an unavailable store → 503 with Retry-After") {
    h.store.set_unavailable(true);
    auto res = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->get_header_value("Retry-After") == "1");
  }
}

TEST_CASE("events are scheduled once and repeated ids are duplicates", "[server][events]") {
  Harness h;
  auto c = h.client();
  auto first = c.Post("/v1/events", kAdminHeaders, kEvent, "application/json");
  REQUIRE(first);
  CHECK(first->status == 202);
  CHECK(json::parse(first->body) == json{{"status", "scheduled"}});
  auto again = c.Post("/v1/events", kAdminHeaders, kEvent, "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body) == json{{"status", "duplicate"}});

  SECTION("a wrong bearer → 401 with WWW-Authenticate") {
    auto res =
        c.Post("/v1/events", {{"Authorization", "Bearer wrong"}}, kEvent, "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(res->has_header("WWW-Authenticate"));
  }
  SECTION("a bad field → 400 naming it") {
    auto res =
        c.Post("/v1/events", kAdminHeaders,
               R"({"id":"e","type":"transaction.completed","occurred_at":"2026-11-18T10:00:00Z",
                          "customer":{"telegram_chat_id":"x"},"transaction":{"id":"T"}})",
               "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body)["field"] == "customer.telegram_chat_id");
  }
}

TEST_CASE("events accept an HMAC signature when EVENTS_SECRET is set", "[server][events]") {
  auto settings = Harness::defaults();
  settings.events_secret = "ev-secret";
  Harness h(settings);
  auto c = h.client();
  const std::string sig = "sha256=" + http::hmac_sha256_hex("ev-secret", kEvent);
  auto res = c.Post("/v1/events", {{"X-Reviewbot-Signature", sig}}, kEvent, "application/json");
  REQUIRE(res);
  CHECK(res->status == 202);
  res = c.Post("/v1/events", {{"X-Reviewbot-Signature", "sha256=00"}}, kEvent, "application/json");
  REQUIRE(res);
  CHECK(res->status == 401);
}

TEST_CASE("without ADMIN_TOKEN the admin API answers 503, never opens", "[server][admin]") {
  auto settings = Harness::defaults();
  settings.admin_token.clear();
  Harness h(settings);
  auto c = h.client();
  for (const char* path : {"/v1/reviews", "/v1/stats"}) {
    auto res = c.Get(path, {{"Authorization", "Bearer "}});
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(json::parse(res->body) == json{{"error", "ADMIN_TOKEN is not configured"}});
  }
  auto res = c.Post("/v1/events", kEvent, "application/json");
  REQUIRE(res);
  CHECK(res->status == 503);
  res = c.Post("/v1/links", R"({"external_id":"C-1"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 503);
}

TEST_CASE("reviews are listed as JSON with a cursor", "[server][admin]") {
  Harness h;
  h.store.set_reviews(
      {review(3, 5, "great", "Ann"), review(2, 1, std::nullopt, "Bob"), review(1, 4, "ok", "Cy")});
  auto c = h.client();
  auto res = c.Get("/v1/reviews?limit=2", kAdminHeaders);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const json body = json::parse(res->body);
  REQUIRE(body["reviews"].size() == 2);
  const json& first = body["reviews"][0];
  CHECK(first["id"] == 3);
  CHECK(first["rating"] == 5);
  CHECK(first["comment"] == "great");
  CHECK(first["customer"] == json{{"telegram_chat_id", -1001234567890},
                                  {"external_id", "C-3"},
                                  {"name", "Ann"},
                                  {"telegram_name", ""},
                                  {"username", ""}});
  CHECK(first["trigger"] == "transaction.completed");
  CHECK(first["transaction_id"] == "T-3");
  CHECK(first["template"] == "default");
  CHECK(first["variant"] == "a");
  CHECK(first["locale"] == "en");
  CHECK(first["requested_at"] == "2026-11-22T10:00:00Z");
  CHECK(first["answered_at"] == "2026-11-22T10:05:00Z");
  CHECK(body["reviews"][1]["comment"] == nullptr);
  REQUIRE(body["next_cursor"].is_string());

  auto next =
      c.Get("/v1/reviews?limit=2&cursor=" + body["next_cursor"].get<std::string>(), kAdminHeaders);
  REQUIRE(next);
  const json page2 = json::parse(next->body);
  REQUIRE(page2["reviews"].size() == 1);
  CHECK(page2["reviews"][0]["id"] == 1);
  CHECK(page2["next_cursor"] == nullptr);

  SECTION("an invalid filter → 400 naming the parameter") {
    for (const auto& [query, field] :
         std::vector<std::pair<std::string, std::string>>{{"rating=6", "rating"},
                                                          {"since=yesterday", "since"},
                                                          {"until=2026", "until"},
                                                          {"limit=0", "limit"},
                                                          {"limit=501", "limit"},
                                                          {"cursor=abc", "cursor"},
                                                          {"format=xml", "format"}}) {
      INFO(query);
      auto bad = c.Get("/v1/reviews?" + query, kAdminHeaders);
      REQUIRE(bad);
      CHECK(bad->status == 400);
      CHECK(json::parse(bad->body)["field"] == field);
    }
  }
  SECTION("a wrong bearer → 401") {
    auto denied = c.Get("/v1/reviews", {{"Authorization", "Bearer nope"}});
    REQUIRE(denied);
    CHECK(denied->status == 401);
  }
}

TEST_CASE("reviews export as CSV with quoting and a formula guard", "[server][admin][csv]") {
  Harness h;
  h.store.set_reviews({review(2, 2, "=HYPERLINK(\"http://x\")", "Ann, \"the\" best"),
                       review(1, 5, "line one\nline two", "@bob")});
  auto c = h.client();
  auto check_csv = [](const httplib::Result& res) {
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type").rfind("text/csv", 0) == 0);
    const std::string& csv = res->body;
    CHECK(csv.rfind("id,rating,comment,customer_telegram_chat_id,customer_external_id,"
                    "customer_name,trigger,transaction_id,template,variant,locale,requested_at,"
                    "answered_at,customer_telegram_name,customer_username\r\n",
                    0) == 0);
    CHECK(csv.find("2,2,\"'=HYPERLINK(\"\"http://x\"\")\",-1001234567890,C-2,"
                   "\"Ann, \"\"the\"\" best\",transaction.completed,T-2,default,a,en,"
                   "2026-11-22T10:00:00Z,2026-11-22T10:05:00Z,,\r\n") != std::string::npos);
    CHECK(csv.find("1,5,\"line one\nline two\",-1001234567890,C-1,'@bob,") != std::string::npos);
  };
  SECTION("by ?format=csv") { check_csv(c.Get("/v1/reviews?format=csv", kAdminHeaders)); }
  SECTION("by Accept: text/csv") {
    httplib::Headers headers = kAdminHeaders;
    headers.emplace("Accept", "text/csv");
    check_csv(c.Get("/v1/reviews", headers));
  }
  SECTION("every page is exported unless a limit is given") {
    std::vector<core::Review> many;
    for (int i = 1; i <= 1200; ++i) many.push_back(review(i, 1 + i % 5, "c", "n"));
    h.store.set_reviews(many);
    auto all = c.Get("/v1/reviews?format=csv", kAdminHeaders);
    REQUIRE(all);
    CHECK(std::count(all->body.begin(), all->body.end(), '\n') == 1201);
    auto some = c.Get("/v1/reviews?format=csv&limit=3&rating=1", kAdminHeaders);
    REQUIRE(some);
    CHECK(std::count(some->body.begin(), some->body.end(), '\n') == 4);
  }
}

TEST_CASE("stats have the documented shape", "[server][admin]") {
  Harness h;
  core::Stats stats;
  stats.requests_sent = 10;
  stats.responses = 4;
  stats.response_rate = 0.4;
  stats.average_rating = 3.5;
  stats.distribution[0] = 1;
  stats.distribution[4] = 3;
  h.store.set_stats(stats);
  auto res = h.client().Get("/v1/stats", kAdminHeaders);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const json body = json::parse(res->body);
  CHECK(body["requests_sent"] == 10);
  CHECK(body["responses"] == 4);
  CHECK(body["response_rate"] == 0.4);
  CHECK(body["average_rating"] == 3.5);
  CHECK(body["distribution"] == json{{"1", 1}, {"2", 0}, {"3", 0}, {"4", 0}, {"5", 3}});
}

TEST_CASE("links answer a t.me deep link", "[server][links]") {
  Harness h;
  auto res =
      h.client().Post("/v1/links", kAdminHeaders, R"({"external_id":"C-77"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["url"] == "https://t.me/shop_bot?start=sp-C-77");
}

TEST_CASE("health, readiness, unknown paths and wrong methods", "[server]") {
  Harness h;
  auto c = h.client();
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body) == json{{"status", "ok"}});

  auto ready = c.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  h.store.set_unavailable(true);
  ready = c.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  CHECK(json::parse(ready->body)["checks"]["database"] == "failing");

  auto missing = c.Get("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body) == json{{"error", "not found"}});

  auto wrong = c.Get("/webhook/telegram");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->get_header_value("Allow") == "POST");
  CHECK(json::parse(wrong->body).contains("error"));
  auto put = c.Put("/v1/events", "{}", "application/json");
  REQUIRE(put);
  CHECK(put->status == 405);
}

TEST_CASE("every response carries an X-Request-Id", "[server]") {
  Harness h;
  auto c = h.client();
  SECTION("a sane incoming id is echoed") {
    auto res = c.Get("/healthz", {{"X-Request-Id", "abc-123"}});
    REQUIRE(res);
    CHECK(res->get_header_value("X-Request-Id") == "abc-123");
  }
  SECTION("otherwise one is made, also on errors") {
    for (const char* path : {"/healthz", "/nope", "/v1/stats"}) {
      auto res = c.Get(path, {{"X-Request-Id", "bad id\twith junk"}});
      REQUIRE(res);
      CHECK(res->get_header_value("X-Request-Id").size() == 32);
    }
    auto res = c.Post("/webhook/telegram", "{}", "application/json");
    REQUIRE(res);
    CHECK(res->get_header_value("X-Request-Id").size() == 32);
  }
}

TEST_CASE("JSON answers are not gzipped even when the client accepts it", "[server]") {
  Harness h;
  auto c = h.client();
  c.set_decompress(false);
  auto res = c.Get("/healthz", {{"Accept-Encoding", "gzip, br"}});
  REQUIRE(res);
  CHECK_FALSE(res->has_header("Content-Encoding"));
  CHECK(json::parse(res->body) == json{{"status", "ok"}});
}

TEST_CASE("a handler exception becomes a 500 JSON answer", "[server]") {
  testing::FakeStore store;
  testing::FakeClock clock;
  auto settings = Harness::defaults();
  http::HttpServer server(settings, routes_with(store, clock,
                                                [](const store::InboundKey&,
                                                   const core::Event&) -> store::ProcessResult {
                                                  throw std::runtime_error("boom");
                                                }));
  REQUIRE(server.start().ok());
  httplib::Client c("127.0.0.1", server.port());
  auto res = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(json::parse(res->body) == json{{"error", "internal error"}});
}

TEST_CASE("start fails when the port is taken, and stop does not wait for idle clients",
          "[server]") {
  Harness h;
  auto settings = Harness::defaults();
  settings.port = h.server->port();
  http::HttpServer second(settings, routes_with(h.store, h.clock, h.intake.fn()));
  auto started = second.start();
  CHECK_FALSE(started.ok());
  CHECK(started.error().message.find("cannot listen") != std::string::npos);

  // A kept-alive connection sits idle; stop() must not wait out the 65 s keep-alive.
  auto c = h.client();
  c.set_keep_alive(true);
  REQUIRE(c.Get("/healthz"));
  const auto before = std::chrono::steady_clock::now();
  h.server->stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(3));
  CHECK(h.server->port() == 0);
}

TEST_CASE("while draining, new inputs get 503 with Retry-After and health keeps answering",
          "[server][shutdown]") {
  Harness h;
  auto c = h.client();
  REQUIRE_FALSE(h.server->draining());
  h.server->begin_drain();
  CHECK(h.server->draining());

  auto hook = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
  REQUIRE(hook);
  CHECK(hook->status == 503);
  CHECK(hook->has_header("Retry-After"));
  auto event = c.Post("/v1/events", kAdminHeaders, kEvent, "application/json");
  REQUIRE(event);
  CHECK(event->status == 503);
  CHECK(event->has_header("Retry-After"));
  CHECK(h.store.process_calls().empty());

  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto ready = c.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  CHECK(json::parse(ready->body)["checks"]["accepting"] == "failing");
  CHECK(h.server->wait_for_intake(std::chrono::milliseconds(0)));
}

TEST_CASE("an input in flight when draining begins is committed and answered",
          "[server][shutdown]") {
  Harness h;
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  auto blocking_accept = [&](const store::InboundKey& key, const core::Event& event) {
    {
      std::unique_lock lock(mu);
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    }
    return h.intake.accept(key, event);
  };
  auto settings = Harness::defaults();
  http::HttpServer server(settings, routes_with(h.store, h.clock, blocking_accept));
  REQUIRE(server.start().ok());

  int answer = 0;  // the webhook's status; 0 = no answer
  std::thread poster([&] {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(5, 0);
    auto res = c.Post("/webhook/telegram", kWebhookHeaders, kUpdate, "application/json");
    if (res) answer = res->status;
  });
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return entered; }));
  }
  server.begin_drain();
  CHECK_FALSE(server.wait_for_intake(std::chrono::milliseconds(50)));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  CHECK(server.wait_for_intake(std::chrono::seconds(5)));
  server.stop();
  poster.join();
  CHECK(answer == 200);
  CHECK(h.store.process_calls().size() == 1);
}
