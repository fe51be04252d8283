// The endpoint logic as plain functions, without sockets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fakes/fake_intake.h"
#include "fakes/fake_store.h"
#include "fakes/fake_update_parser.h"
#include "reviewbot/http/admin_guard.h"
#include "reviewbot/http/auth.h"
#include "reviewbot/http/events_handler.h"
#include "reviewbot/http/health_handler.h"
#include "reviewbot/http/links_handler.h"
#include "reviewbot/http/rfc3339.h"
#include "reviewbot/http/webhook_handler.h"

using namespace reviewbot;
using nlohmann::json;
using testing::FakeIntake;
using testing::FakeStore;

namespace {

std::string header_value(const http::Reply& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace

TEST_CASE("the webhook secret check", "[webhook]") {
  CHECK(http::webhook_secret_ok("", std::nullopt));
  CHECK(http::webhook_secret_ok("s", std::string_view("s")));
  CHECK_FALSE(http::webhook_secret_ok("s", std::nullopt));
  CHECK_FALSE(http::webhook_secret_ok("s", std::string_view("t")));
}

TEST_CASE("a webhook update is acknowledged only once it is committed", "[webhook]") {
  FakeStore store;
  FakeIntake intake(store);
  const std::string update = R"({"update_id": 42, "message": {"chat": {"id": 7}, "text": "hi"}})";

  SECTION("applied, then duplicate: both 200 with one commit keyed by update_id") {
    auto first = http::handle_webhook_update(update, testing::fake_parse_update, intake.fn());
    auto second = http::handle_webhook_update(update, testing::fake_parse_update, intake.fn());
    CHECK(first.status == 200);
    CHECK(json::parse(first.body) == json{{"ok", true}});
    CHECK(second.status == 200);
    const auto calls = store.process_calls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].key.source == store::InboundKey::Source::kTelegramUpdate);
    CHECK(calls[0].key.id == "42");
  }
  SECTION("unavailable store → 503 with Retry-After") {
    store.set_unavailable(true);
    auto reply = http::handle_webhook_update(update, testing::fake_parse_update, intake.fn());
    CHECK(reply.status == 503);
    CHECK(header_value(reply, "Retry-After") == "1");
  }
  SECTION("an update with no event is acknowledged without touching the store") {
    auto reply = http::handle_webhook_update(R"({"update_id": 43, "poll": {}})",
                                             testing::fake_parse_update, intake.fn());
    CHECK(reply.status == 200);
    CHECK(store.process_calls().empty());
  }
  SECTION("not an update → 400") {
    auto reply =
        http::handle_webhook_update(R"({"hello": 1})", testing::fake_parse_update, intake.fn());
    CHECK(reply.status == 400);
    CHECK(json::parse(reply.body).contains("error"));
  }
}

TEST_CASE("event outcomes map to their documented answers", "[events]") {
  using S = store::ProcessResult::Status;
  using O = core::Outcome::Status;
  const auto reply_for = [](S s, O o, std::string reason = "") {
    return http::event_reply({s, {o, std::move(reason)}, "", std::nullopt});
  };
  auto scheduled = reply_for(S::kApplied, O::kScheduled);
  CHECK(scheduled.status == 202);
  CHECK(json::parse(scheduled.body) == json{{"status", "scheduled"}});
  core::Outcome later{O::kScheduled, "", *http::parse_rfc3339("2026-12-03T09:00:00Z")};
  CHECK(json::parse(http::event_reply({S::kApplied, later, "", std::nullopt}).body) ==
        json{{"status", "scheduled"}, {"send_at", "2026-12-03T09:00:00Z"}});
  auto skipped = reply_for(S::kApplied, O::kSkipped, "cooldown");
  CHECK(skipped.status == 202);
  CHECK(json::parse(skipped.body) == json{{"status", "skipped"}, {"reason", "cooldown"}});
  CHECK(reply_for(S::kApplied, O::kPendingLink).status == 202);
  CHECK(json::parse(reply_for(S::kApplied, O::kPendingLink).body)["status"] == "pending_link");
  CHECK(reply_for(S::kApplied, O::kCancelled).status == 200);
  CHECK(json::parse(reply_for(S::kApplied, O::kNothingToCancel).body)["status"] ==
        "nothing_to_cancel");
  auto duplicate = reply_for(S::kDuplicate, O::kIgnored);
  CHECK(duplicate.status == 200);
  CHECK(json::parse(duplicate.body) == json{{"status", "duplicate"}});
  auto unavailable = reply_for(S::kUnavailable, O::kIgnored);
  CHECK(unavailable.status == 503);
  CHECK_FALSE(header_value(unavailable, "Retry-After").empty());
}

TEST_CASE("an event is keyed by its id and a bad one names the field", "[events]") {
  FakeStore store;
  FakeIntake intake(store);
  const std::string body =
      R"({"id":"evt-1","type":"transaction.refunded","transaction":{"id":"T-1"}})";
  auto reply = http::handle_event(body, core::from_millis(0), intake.fn());
  CHECK(reply.status == 202);
  REQUIRE(store.process_calls().size() == 1);
  CHECK(store.process_calls()[0].key.source == store::InboundKey::Source::kEvent);
  CHECK(store.process_calls()[0].key.id == "evt-1");

  auto bad = http::handle_event(R"({"id":"evt-2","type":"transaction.completed"})",
                                core::from_millis(0), intake.fn());
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["field"] == "occurred_at");
}

TEST_CASE("admin access needs a configured token and never opens without one", "[auth]") {
  CHECK(http::admin_denial("", "Bearer anything")->status == 503);
  CHECK(json::parse(http::admin_denial("", "")->body)["error"] == "ADMIN_TOKEN is not configured");
  auto denied = http::admin_denial("tok", "Bearer nope");
  REQUIRE(denied);
  CHECK(denied->status == 401);
  CHECK(header_value(*denied, "WWW-Authenticate").rfind("Bearer", 0) == 0);
  CHECK_FALSE(http::admin_denial("tok", "Bearer tok"));

  SECTION("events also accept a body signature when EVENTS_SECRET is set") {
    const std::string body = "{}";
    const std::string sig = "sha256=" + http::hmac_sha256_hex("es", body);
    CHECK_FALSE(http::event_denial("", "es", "", sig, body));
    CHECK_FALSE(http::event_denial("tok", "", "Bearer tok", "", body));
    CHECK(http::event_denial("tok", "es", "", "sha256=00", body)->status == 401);
    CHECK(http::event_denial("tok", "", "", sig, body)->status == 401);
    CHECK(http::event_denial("", "", "", sig, body)->status == 503);
  }
}

TEST_CASE("links are made from an external id", "[links]") {
  const http::StartParameterMaker maker = [](const std::string& secret, const std::string& id) {
    return core::Result<std::string>("p_" + id + "_" + secret);
  };
  auto ok = http::handle_link(R"({"external_id":"C-77"})", "shop_bot", "k", maker);
  CHECK(ok.status == 200);
  CHECK(json::parse(ok.body) ==
        json{{"start_parameter", "p_C-77_k"}, {"url", "https://t.me/shop_bot?start=p_C-77_k"}});
  CHECK(json::parse(http::handle_link(R"({"external_id":"C"})", "", "k", maker).body)["url"] ==
        nullptr);
  for (const char* bad : {R"({})", R"({"external_id": 77})", R"({"external_id": ""})",
                          R"({"external_id": "0123456789012345678901234567890123456789"})"}) {
    INFO(bad);
    auto reply = http::handle_link(bad, "shop_bot", "k", maker);
    CHECK(reply.status == 400);
    CHECK(json::parse(reply.body)["field"] == "external_id");
  }
  CHECK(http::handle_link("nope", "shop_bot", "k", maker).status == 400);
}

TEST_CASE("readiness reports each check", "[health]") {
  CHECK(json::parse(http::handle_healthz().body) == json{{"status", "ok"}});
  auto ready = http::handle_readyz([] { return http::Readiness{{{"database", true}}}; });
  CHECK(ready.status == 200);
  CHECK(json::parse(ready.body) == json{{"status", "ready"}, {"checks", {{"database", "ok"}}}});
  auto not_ready = http::handle_readyz([] {
    return http::Readiness{{{"database", false}, {"templates", true}}};
  });
  CHECK(not_ready.status == 503);
  CHECK(json::parse(not_ready.body)["checks"]["database"] == "failing");
  CHECK(http::handle_readyz([]() -> http::Readiness { throw std::runtime_error("x"); }).status ==
        503);
}
