#include "mock_platform/telegram_html.h"

#include <catch2/catch.hpp>

using mock_platform::parse_telegram_html;

namespace {

std::string error_of(const std::string& html) {
  auto r = parse_telegram_html(html);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == 400);
  return r.error().description;
}

}  // namespace

TEST_CASE("telegram html accepts every tag Telegram supports and returns plain text", "[html]") {
  const std::string html =
      "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
      "<strike>k</strike><del>d</del><span class=\"tg-spoiler\">p</span><tg-spoiler>t</tg-spoiler>"
      "<a href=\"https://example.com/?a=1&amp;b=2\">l</a><code>c</code><pre><code "
      "class=\"language-cpp\">x</code></pre><blockquote expandable>q</blockquote>"
      "<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>";
  auto r = parse_telegram_html(html);
  REQUIRE(r.ok());
  CHECK(*r == "bsieunskdptlcxq👍");
}

TEST_CASE("telegram html decodes the named and numeric entities", "[html]") {
  auto r = parse_telegram_html("&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42;&#x1F64F;");
  REQUIRE(r.ok());
  CHECK(*r == "<a> & \"q\" AB\xf0\x9f\x99\x8f");
}

TEST_CASE("telegram html tag names are case-insensitive", "[html]") {
  CHECK(parse_telegram_html("<B>x</b>").ok());
}

TEST_CASE("telegram html rejects what Telegram cannot parse", "[html]") {
  SECTION("a bare less-than sign") {
    CHECK(error_of("1 < 2") ==
          "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2");
  }
  SECTION("a bare ampersand") {
    CHECK(error_of("Tom & Jerry")
              .find("can't parse entities: Unsupported character entity at "
                    "byte offset 4") != std::string::npos);
  }
  SECTION("an unknown named entity") {
    CHECK(error_of("&nbsp;").find("byte offset 0") != std::string::npos);
  }
  SECTION("an unknown tag") {
    CHECK(error_of("hi<br>") ==
          "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 2");
  }
  SECTION("an unclosed tag") {
    CHECK(error_of("<b>bold") ==
          "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
          "\"b\"");
  }
  SECTION("mismatched tags") {
    CHECK(error_of("<b><i>x</b></i>") ==
          "Bad Request: can't parse entities: Unmatched end tag at byte offset 7, expected "
          "\"</i>\", found \"</b>\"");
  }
  SECTION("an end tag with nothing open") {
    CHECK(error_of("x</b>") ==
          "Bad Request: can't parse entities: Unexpected end tag at byte offset 1");
  }
  SECTION("a start tag that never ends") {
    CHECK(error_of("<a href=\"x\"") ==
          "Bad Request: can't parse entities: Unclosed start tag at byte offset 0");
  }
  SECTION("a span that is not a spoiler") {
    CHECK(error_of("<span>x</span>").find("tg-spoiler") != std::string::npos);
  }
  SECTION("a numeric entity that is not a character") { error_of("&#xD800;"); }
}
