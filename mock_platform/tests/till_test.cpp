// POST /_mock/till over loopback: the sale becomes a transaction.completed event that is
// forwarded to a stand-in reviewbot with the admin bearer, and its answer comes back.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace mock_platform::testing;

namespace {

// An HTTP server standing in for reviewbot's POST /v1/events.
class FakeReviewbot {
 public:
  struct Hit {
    std::string path;
    std::string authorization;
    Json body;
  };

  FakeReviewbot() {
    server_.set_keep_alive_timeout(1);
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      hits_.push_back(
          {req.path, req.get_header_value("Authorization"), Json::parse(req.body, nullptr, false)});
      res.status = status_;
      res.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    eventually([this] { return server_.is_running(); });
  }
  ~FakeReviewbot() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void answer(int status, std::string body) {
    std::lock_guard lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  std::vector<Hit> hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Hit> hits_;                           // guarded by mu_
  int status_ = 202;                                // guarded by mu_
  std::string body_ = R"({"status":"scheduled"})";  // guarded by mu_
};

mock_platform::Options till_options(const std::string& url, const std::string& token) {
  mock_platform::Options o;
  o.till.reviewbot_url = url;
  o.till.admin_token = token;
  o.till.timeout = 2000ms;
  return o;
}

}  // namespace

TEST_CASE("the till forwards a sale to reviewbot's /v1/events with the admin bearer", "[till]") {
  FakeReviewbot reviewbot;
  TestServer server(till_options(reviewbot.url(), "admin-secret"));
  const auto user = server.post("/_mock/users", {{"name", "Ann"}, {"language_code", "es"}})
                        .body["user_id"]
                        .get<std::int64_t>();

  auto r = server.post(
      "/_mock/till",
      {{"user_id", user}, {"amount", 12.5}, {"item", "Cappuccino"}, {"category", "coffee"}});
  CHECK(r.status == 202);
  CHECK(r.body["status"] == 202);
  CHECK(r.body["body"] == Json{{"status", "scheduled"}});

  const auto hits = reviewbot.hits();
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].path == "/v1/events");
  CHECK(hits[0].authorization == "Bearer admin-secret");
  const auto& event = hits[0].body;
  CHECK(event == r.body["event"]);
  CHECK(event["type"] == "transaction.completed");
  CHECK(event["id"].get<std::string>().rfind("till-", 0) == 0);
  CHECK(event["occurred_at"].get<std::string>().size() == 20);  // 2026-11-22T10:00:00Z
  CHECK(event["customer"] == Json{{"telegram_chat_id", user}, {"name", "Ann"}, {"locale", "es"}});
  CHECK(event["transaction"]["id"] == "T-" + event["id"].get<std::string>());
  CHECK(event["transaction"]["amount"] == 12.5);
  CHECK(event["transaction"]["items"] ==
        Json::array({{{"name", "Cappuccino"}, {"category", "coffee"}}}));

  SECTION("each sale is a new event") {
    CHECK(server.post("/_mock/till", {{"user_id", user}}).status == 202);
    const auto again = reviewbot.hits();
    REQUIRE(again.size() == 2);
    CHECK(again[1].body["id"] != event["id"]);
    CHECK(again[1].body["transaction"]["items"][0]["name"] == "Latte");  // defaults
  }
}

TEST_CASE("the till returns reviewbot's error status and body", "[till]") {
  FakeReviewbot reviewbot;
  reviewbot.answer(401, R"({"error":"unauthorized"})");
  TestServer server(till_options(reviewbot.url() + "/", ""));
  const auto user = server.create_user();
  auto r = server.post("/_mock/till", {{"user_id", user}});
  CHECK(r.status == 401);
  CHECK(r.body["body"] == Json{{"error", "unauthorized"}});
  REQUIRE(reviewbot.hits().size() == 1);
  CHECK(reviewbot.hits()[0].path == "/v1/events");  // no double slash from a trailing one
  CHECK(reviewbot.hits()[0].authorization.empty());
}

TEST_CASE("the till rejects bad sales and unknown customers without calling reviewbot", "[till]") {
  FakeReviewbot reviewbot;
  TestServer server(till_options(reviewbot.url(), "t"));
  const auto user = server.create_user();
  CHECK(server.post("/_mock/till", Json::object()).status == 400);
  CHECK(server.post("/_mock/till", {{"user_id", "x"}}).status == 400);
  CHECK(server.post("/_mock/till", {{"user_id", user}, {"amount", -1}}).status == 400);
  CHECK(server.post("/_mock/till", {{"user_id", user}, {"item", ""}}).status == 400);
  CHECK(to_reply(server.client().Post("/_mock/till", "not json", "application/json")).status ==
        400);
  auto unknown = server.post("/_mock/till", {{"user_id", 42}});
  CHECK(unknown.status == 404);
  CHECK(unknown.body.contains("error"));
  CHECK(reviewbot.hits().empty());
}

TEST_CASE("the till answers 502 naming reviewbot's URL when it is down", "[till]") {
  std::string url;
  {
    FakeReviewbot gone;
    url = gone.url();
  }
  TestServer server(till_options(url, "t"));
  const auto user = server.create_user();
  auto r = server.post("/_mock/till", {{"user_id", user}});
  CHECK(r.status == 502);
  CHECK(r.body["error"].get<std::string>().find(url) != std::string::npos);
}
