// Fault rules over loopback: what a client of the Bot API sees for each fault kind.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace mock_platform::testing;

TEST_CASE("a 429 fault answers Too Many Requests with retry_after", "[faults_http]") {
  TestServer server;
  CHECK(server
            .post("/_mock/faults",
                  {{"method", "sendMessage"}, {"status", 429}, {"retry_after", 3}, {"count", 1}})
            .status == 201);
  const auto user = server.create_user();
  const Json params = {{"chat_id", user}, {"text", "hi"}};
  auto r = server.call("sendMessage", params);
  CHECK(r.status == 429);
  CHECK(r.body == Json{{"ok", false},
                       {"error_code", 429},
                       {"description", "Too Many Requests: retry after 3"},
                       {"parameters", {{"retry_after", 3}}}});
  CHECK(server.transcript(user)["messages"].empty());  // a failed call has no effect
  CHECK(server.call("sendMessage", params).status == 200);
  CHECK(server.get("/_mock/stats").body["calls"]["sendMessage"]["429"] == 1);
}

TEST_CASE("a counted 500 fault fails only its method, then clears", "[faults_http]") {
  TestServer server;
  server.post("/_mock/faults", {{"method", "getMe"}, {"status", 500}, {"count", 2}});
  CHECK(server.call("getWebhookInfo").status == 200);
  CHECK(server.call("getMe").status == 500);
  CHECK(server.call("getMe").body["description"] == "Internal Server Error");
  CHECK(server.call("getMe").status == 200);
}

TEST_CASE("DELETE /_mock/faults clears every rule", "[faults_http]") {
  TestServer server;
  server.post("/_mock/faults", {{"status", 503}});
  CHECK(server.get("/_mock/faults").body["faults"].size() == 1);
  CHECK(server.call("getMe").status == 503);
  CHECK(server.del("/_mock/faults").status == 200);
  CHECK(server.call("getMe").status == 200);
}

TEST_CASE("a latency fault delays the answer", "[faults_http]") {
  TestServer server;
  server.post("/_mock/faults", {{"latency_ms", 200}, {"count", 1}});
  const auto start = std::chrono::steady_clock::now();
  CHECK(server.call("getMe").status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));
}

TEST_CASE("an outage fails every method with 502", "[faults_http]") {
  TestServer server;
  server.post("/_mock/faults", {{"outage_seconds", 30}});
  CHECK(server.call("getMe").status == 502);
  CHECK(server.call("sendMessage").body["description"] == "Bad Gateway");
}

TEST_CASE("a hang holds the call past the client's timeout and does not run it", "[faults_http]") {
  TestServer server;
  const auto user = server.create_user();
  server.post("/_mock/faults",
              {{"method", "sendMessage"}, {"hang", true}, {"hang_ms", 3000}, {"count", 1}});
  httplib::Client impatient("127.0.0.1", server.port());
  impatient.set_read_timeout(0, 200000);
  auto res = impatient.Post("/bot1:x/sendMessage", Json{{"chat_id", user}, {"text", "hi"}}.dump(),
                            "application/json");
  CHECK_FALSE(res);
  CHECK(server.transcript(user)["messages"].empty());
}

TEST_CASE("a dropped connection gives the client no complete answer", "[faults_http]") {
  TestServer server;
  server.post("/_mock/faults", {{"drop_connection", true}, {"count", 1}});
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Post("/bot1:x/getMe", "{}", "application/json");
  CHECK_FALSE(res);
  CHECK(server.call("getMe").status == 200);
}

TEST_CASE("bad fault rules are refused with a reason", "[faults_http]") {
  TestServer server;
  auto r = server.post("/_mock/faults", {{"status", 500}, {"rate", 5}});
  CHECK(r.status == 400);
  CHECK(r.body["error"].get<std::string>().find("rate") != std::string::npos);
  CHECK(server.post("/_mock/faults", {{"method", "getMe"}}).status == 400);
}

TEST_CASE("faults given on the command line apply from the start", "[faults_http]") {
  mock_platform::Options options;
  auto rule = mock_platform::parse_fault_rule({{"method", "getMe"}, {"status", 500}, {"count", 1}});
  REQUIRE(rule.ok());
  options.faults.push_back(*rule);
  TestServer server(options);
  CHECK(server.call("getMe").status == 500);
  CHECK(server.call("getMe").status == 200);
}

TEST_CASE("a fault can carry Telegram's own error text and target one chat", "[faults_http]") {
  TestServer server;
  const auto ann = server.create_user();
  const auto bob = server.create_user();
  server.post("/_mock/faults",
              {{"method", "sendMessage"},
               {"status", 400},
               {"chat_id", ann},
               {"count", 1},
               {"description", "Bad Request: can't parse entities: Unsupported start tag"}});
  CHECK(server.call("sendMessage", {{"chat_id", bob}, {"text", "hi"}}).status == 200);
  const auto r = server.call("sendMessage", {{"chat_id", ann}, {"text", "hi"}});
  CHECK(r.status == 400);
  CHECK(r.body["description"] == "Bad Request: can't parse entities: Unsupported start tag");
  CHECK(server.call("sendMessage", {{"chat_id", ann}, {"text", "hi"}}).status == 200);
}

TEST_CASE("a hang with execute runs the call, then withholds the answer", "[faults_http]") {
  TestServer server;
  const auto user = server.create_user();
  server.post("/_mock/faults", {{"method", "sendMessage"},
                                {"hang", true},
                                {"execute", true},
                                {"hang_ms", 3000},
                                {"count", 1}});
  httplib::Client impatient("127.0.0.1", server.port());
  impatient.set_read_timeout(0, 200000);
  auto res = impatient.Post("/bot1:x/sendMessage", Json{{"chat_id", user}, {"text", "hi"}}.dump(),
                            "application/json");
  CHECK_FALSE(res);
  CHECK(server.transcript(user)["messages"].size() == 1);
  CHECK(server.post("/_mock/faults", {{"execute", true}, {"status", 500}}).status == 400);
}

TEST_CASE("a silent block sends no update, so the bot learns it from a 403", "[faults_http]") {
  TestServer server;
  const auto user = server.create_user();
  const auto r =
      server.post("/_mock/users/" + std::to_string(user) + "/block", {{"notify", false}});
  CHECK(r.status == 200);
  CHECK(r.body["update_id"].is_null());
  const auto sent = server.call("sendMessage", {{"chat_id", user}, {"text", "hi"}});
  CHECK(sent.status == 403);
  CHECK(sent.body["description"] == "Forbidden: bot was blocked by the user");
}
