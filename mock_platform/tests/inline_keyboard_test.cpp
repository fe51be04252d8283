#include "mock_platform/inline_keyboard.h"

#include <catch2/catch.hpp>

using mock_platform::parse_reply_markup;
using Json = nlohmann::json;

namespace {

Json keyboard_with(const Json& button) { return {{"inline_keyboard", {{button}}}}; }

}  // namespace

TEST_CASE("an inline keyboard keeps its rows, texts and callback data", "[keyboard]") {
  auto k = parse_reply_markup(
      {{"inline_keyboard",
        {{{{"text", "1"}, {"callback_data", "r:1"}}, {{"text", "2"}, {"callback_data", "r:2"}}},
         {{{"text", "site"}, {"url", "https://example.com"}}}}}});
  REQUIRE(k.ok());
  REQUIRE(k->rows.size() == 2);
  CHECK(k->rows[0][1].callback_data == "r:2");
  CHECK(k->rows[1][0].url == "https://example.com");
  CHECK(mock_platform::to_json(*k)["inline_keyboard"][0][0]["text"] == "1");
}

TEST_CASE("callback data must be 1 to 64 bytes", "[keyboard]") {
  CHECK(parse_reply_markup(keyboard_with({{"text", "x"}, {"callback_data", std::string(64, 'a')}}))
            .ok());
  for (const auto& data : {std::string(65, 'a'), std::string()}) {
    auto k = parse_reply_markup(keyboard_with({{"text", "x"}, {"callback_data", data}}));
    REQUIRE_FALSE(k.ok());
    CHECK(k.error().description == "Bad Request: BUTTON_DATA_INVALID");
  }
}

TEST_CASE("a button needs text and exactly one action", "[keyboard]") {
  CHECK_FALSE(parse_reply_markup(keyboard_with({{"callback_data", "x"}})).ok());
  CHECK_FALSE(parse_reply_markup(keyboard_with({{"text", "x"}})).ok());
  CHECK_FALSE(parse_reply_markup(
                  keyboard_with({{"text", "x"}, {"callback_data", "a"}, {"url", "https://a"}}))
                  .ok());
}

TEST_CASE("a button url must be http, https or tg", "[keyboard]") {
  auto k = parse_reply_markup(keyboard_with({{"text", "x"}, {"url", "javascript:alert(1)"}}));
  REQUIRE_FALSE(k.ok());
  CHECK(k.error().description == "Bad Request: BUTTON_URL_INVALID");
}

TEST_CASE("markup that is not an object is rejected, other keyboards are ignored", "[keyboard]") {
  CHECK(parse_reply_markup(Json("nope")).error().description ==
        "Bad Request: can't parse reply keyboard markup JSON object");
  auto k = parse_reply_markup({{"remove_keyboard", true}});
  REQUIRE(k.ok());
  CHECK(k->empty());
}
