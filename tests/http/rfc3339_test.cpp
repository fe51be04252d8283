#include "reviewbot/http/rfc3339.h"

#include <catch2/catch.hpp>

using reviewbot::core::from_millis;
using reviewbot::core::to_millis;
using namespace reviewbot::http;

TEST_CASE("RFC 3339 times parse with Z or an offset and print back in UTC", "[rfc3339]") {
  SECTION("Z") {
    auto t = parse_rfc3339("2026-11-22T10:00:00Z");
    REQUIRE(t);
    CHECK(format_rfc3339(*t) == "2026-11-22T10:00:00Z");
  }
  SECTION("an offset moves the instant to UTC") {
    auto t = parse_rfc3339("2026-11-22T12:30:00+02:30");
    REQUIRE(t);
    CHECK(format_rfc3339(*t) == "2026-11-22T10:00:00Z");
    CHECK(parse_rfc3339("2026-11-22T05:00:00-05:00") == parse_rfc3339("2026-11-22T10:00:00Z"));
  }
  SECTION("fractions keep milliseconds") {
    auto t = parse_rfc3339("2026-11-22T10:00:00.25Z");
    REQUIRE(t);
    CHECK(format_rfc3339(*t) == "2026-11-22T10:00:00.250Z");
    CHECK(parse_rfc3339("2026-11-22T10:00:00.123456789z") ==
          from_millis(to_millis(*parse_rfc3339("2026-11-22T10:00:00Z")) + 123));
  }
  SECTION("malformed or impossible times are refused") {
    for (const char* bad :
         {"", "2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
          "2026-11-22T24:00:00Z", "2026-11-22T10:00Z", "2026-11-22T10:00:00+0200",
          "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00Zjunk", "yesterday"}) {
      INFO(bad);
      CHECK_FALSE(parse_rfc3339(bad));
    }
  }
  SECTION("an offset that leaves years 0000-9999 is refused, so every time prints back") {
    // Found by fuzz/rfc3339_fuzz: these used to parse, then print as "10000-01-01…".
    CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:50-00:59"));
    CHECK_FALSE(parse_rfc3339("0000-01-01T00:00:00+00:01"));
    const auto last = parse_rfc3339("9999-12-31T23:59:59.999Z");
    REQUIRE(last);
    CHECK(format_rfc3339(*last) == "9999-12-31T23:59:59.999Z");
    const auto first = parse_rfc3339("0000-01-01T00:00:00Z");
    REQUIRE(first);
    CHECK(parse_rfc3339(format_rfc3339(*first)) == first);
  }
}
