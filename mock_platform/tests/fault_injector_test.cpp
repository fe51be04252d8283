#include "mock_platform/fault_injector.h"

#include <catch2/catch.hpp>

using mock_platform::FaultInjector;
using mock_platform::parse_fault_rule;
using Json = nlohmann::json;

namespace {

void add(FaultInjector& f, const Json& rule) {
  auto r = parse_fault_rule(rule);
  REQUIRE(r.ok());
  f.add(std::move(r).value());
}

}  // namespace

TEST_CASE("a counted fault affects exactly that many calls of its method", "[faults]") {
  FaultInjector f;
  add(f, {{"method", "sendMessage"}, {"status", 500}, {"count", 2}});
  CHECK(f.decide("getMe").status == 0);
  CHECK(f.decide("sendMessage").status == 500);
  CHECK(f.decide("sendmessage").status == 500);  // method names ignore case
  CHECK(f.decide("sendMessage").status == 0);
  CHECK(f.to_json().empty());
}

TEST_CASE("a fault without method affects every method", "[faults]") {
  FaultInjector f;
  add(f, {{"latency_ms", 5}});
  CHECK(f.decide("getMe").latency_ms == 5);
  CHECK(f.decide("sendMessage").latency_ms == 5);
}

TEST_CASE("a 429 fault carries retry_after in its error parameters", "[faults]") {
  FaultInjector f;
  add(f, {{"status", 429}, {"retry_after", 3}});
  const auto e = mock_platform::fault_error(f.decide("sendMessage"));
  CHECK(e.code == 429);
  CHECK(e.description == "Too Many Requests: retry after 3");
  CHECK(e.parameters["retry_after"] == 3);
}

TEST_CASE("a fault rate throttles about that fraction of calls", "[faults]") {
  FaultInjector f(7);
  add(f, {{"method", "sendMessage"}, {"status", 429}, {"rate", 0.2}});
  int hit = 0;
  for (int i = 0; i < 2000; ++i) hit += f.decide("sendMessage").status == 429 ? 1 : 0;
  CHECK(hit > 300);
  CHECK(hit < 500);
}

TEST_CASE("an outage fails every call with 502 until it ends", "[faults]") {
  FaultInjector f;
  add(f, {{"outage_seconds", 60}});
  CHECK(f.decide("getMe").status == 502);
  CHECK(f.decide("sendMessage").status == 502);
}

TEST_CASE("hang and drop_connection faults are reported to the caller", "[faults]") {
  FaultInjector f;
  add(f, {{"hang", true}, {"count", 1}, {"hang_ms", 50}});
  add(f, {{"drop_connection", true}, {"count", 1}, {"method", "getMe"}});
  const auto a = f.decide("getMe");
  CHECK(a.hang);
  CHECK(a.hang_ms == 50);
  CHECK(a.drop_connection);
  CHECK_FALSE(f.decide("getMe").any());
}

TEST_CASE("fault rules with bad fields or no effect are rejected", "[faults]") {
  CHECK_FALSE(parse_fault_rule({{"method", "sendMessage"}}).ok());
  CHECK_FALSE(parse_fault_rule({{"status", 200}}).ok());
  CHECK_FALSE(parse_fault_rule({{"status", 500}, {"rate", 2.0}}).ok());
  CHECK_FALSE(parse_fault_rule({{"status", 500}, {"count", 0}}).ok());
  CHECK_FALSE(parse_fault_rule({{"hang", "yes"}}).ok());
  CHECK_FALSE(parse_fault_rule(Json::array()).ok());
}
