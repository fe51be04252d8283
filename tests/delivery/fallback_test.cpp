#include "reviewbot/delivery/fallback.h"

#include <catch2/catch.hpp>

using namespace reviewbot;

TEST_CASE("HTML becomes plain text with tags dropped and entities decoded", "[fallback]") {
  CHECK(delivery::html_to_plain_text("<b>Hi</b> &lt;Ann&gt; &amp; co &quot;x&quot; &#39;y&#39;") ==
        "Hi <Ann> & co \"x\" 'y'");
  CHECK(delivery::html_to_plain_text("<a href=\"https://x\">link</a>") == "link");
  CHECK(delivery::html_to_plain_text("&#x2605;&#9733;") == "\u2605\u2605");
  CHECK(delivery::html_to_plain_text("1 < 2 & 3 > 2") == "1 < 2 & 3 > 2");
  CHECK(delivery::html_to_plain_text("&bogus; &#xZZ;") == "&bogus; &#xZZ;");
}

TEST_CASE("fallback bodies exist only when there is something to drop", "[fallback]") {
  core::SendText send{1, "<b>x</b>", true, {{{"1", "rate:1", ""}}}, std::nullopt};
  auto plain = delivery::as_plain_text(send);
  REQUIRE(plain);
  const auto& p = std::get<core::SendText>(*plain);
  CHECK_FALSE(p.html);
  CHECK(p.text == "x");
  CHECK(p.keyboard.size() == 1);

  auto bare = delivery::without_keyboard(send);
  REQUIRE(bare);
  CHECK(std::get<core::SendText>(*bare).keyboard.empty());
  CHECK(std::get<core::SendText>(*bare).text == "<b>x</b>");

  send.html = false;
  CHECK_FALSE(delivery::as_plain_text(send));
  CHECK_FALSE(delivery::without_keyboard(core::SendText{1, "x", true, {}, std::nullopt}));
  CHECK_FALSE(delivery::as_plain_text(core::AnswerCallback{"q", "t"}));
}

TEST_CASE("dropping a refused keyboard keeps its URL buttons as links in the text", "[fallback]") {
  core::SendText thanks{
      1, "Thanks!", true, {{{"Write a review", "", "https://r.example/?a=1&b=2"}}}, std::nullopt};
  auto bare = delivery::without_keyboard(thanks);
  REQUIRE(bare);
  const auto& html = std::get<core::SendText>(*bare);
  CHECK(html.keyboard.empty());
  CHECK(html.text == "Thanks!\n\n<a href=\"https://r.example/?a=1&amp;b=2\">Write a review</a>");

  thanks.html = false;
  const auto plain_body = delivery::without_keyboard(thanks);
  REQUIRE(plain_body);
  CHECK(std::get<core::SendText>(*plain_body).text ==
        "Thanks!\n\nWrite a review: https://r.example/?a=1&b=2");
}

TEST_CASE("a rating request without its buttons asks for a typed rating instead", "[fallback]") {
  core::SendText request{1,
                         "How was it, <b>Ann</b>?",
                         true,
                         {{{"1", "rate:1", ""}}},
                         std::nullopt,
                         "How was it, <b>Ann</b>?\n\nReply with 1 to 5."};
  auto bare = delivery::without_keyboard(request);
  REQUIRE(bare);
  const auto& b = std::get<core::SendText>(*bare);
  CHECK(b.keyboard.empty());
  CHECK(b.text == "How was it, <b>Ann</b>?\n\nReply with 1 to 5.");
  CHECK(b.html);

  SECTION("after the plain-text fallback too") {
    auto plain = delivery::as_plain_text(request);
    REQUIRE(plain);
    auto plain_bare = delivery::without_keyboard(*plain);
    REQUIRE(plain_bare);
    CHECK(std::get<core::SendText>(*plain_bare).text == "How was it, Ann?\n\nReply with 1 to 5.");
    CHECK_FALSE(std::get<core::SendText>(*plain_bare).html);
  }
}
