// The chat page over loopback: served from the binary at /, with its script and styles.
#include <catch2/catch.hpp>

#include "mock_platform/web_assets.h"
#include "test_support.h"

using namespace mock_platform::testing;

TEST_CASE("the chat page is served at / as HTML", "[web]") {
  TestServer server;
  auto res = server.client().Get("/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'self'") == 0);
  CHECK(res->body.find("<!doctype html>") == 0);
  CHECK(res->body.find(R"(src="/app.js")") != std::string::npos);
  CHECK(res->body.find(R"(href="/app.css")") != std::string::npos);
}

TEST_CASE("the page's script and styles are served with their content types", "[web]") {
  TestServer server;
  auto js = server.client().Get("/app.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(js->body.find("/_mock/till") != std::string::npos);
  auto css = server.client().Get("/app.css");
  REQUIRE(css);
  CHECK(css->status == 200);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  auto missing = server.client().Get("/nope.js");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("every embedded asset is non-empty", "[web]") {
  for (const char* path : {"/", "/app.js", "/app.css"}) {
    const auto asset = mock_platform::find_web_asset(path);
    REQUIRE(asset);
    CHECK_FALSE(asset->body.empty());
  }
  CHECK_FALSE(mock_platform::find_web_asset("/index.html"));
}
