#include <catch2/catch.hpp>

#include "reviewbot/config/config.h"

using namespace reviewbot;
using namespace std::chrono;

TEST_CASE("durations read a number and one unit of s, m, h or d", "[config][duration]") {
  SECTION("valid durations") {
    CHECK(*config::parse_duration("0") == core::Duration{0});
    CHECK(*config::parse_duration("0s") == core::Duration{0});
    CHECK(*config::parse_duration("90s") == seconds{90});
    CHECK(*config::parse_duration("15m") == minutes{15});
    CHECK(*config::parse_duration("2h") == hours{2});
    CHECK(*config::parse_duration("3d") == hours{72});
    CHECK(*config::parse_duration("30d") == hours{24 * 30});
    CHECK(*config::parse_duration("36500d") == hours{24 * 36500});
  }
  SECTION("garbage names the accepted form") {
    auto r = config::parse_duration("5x");
    REQUIRE_FALSE(r);
    CHECK(r.error().message ==
          "\"5x\" is not a duration (use a number with s, m, h or d, e.g. 90s, 2h, 3d)");
  }
  SECTION("invalid durations are errors") {
    for (const char* bad : {"", "5x", "1.5h", " 5s", "5s ", "5 s", "s", "5ss", "+5s", "1h30m", "5S",
                            "ten minutes", "0x10s"}) {
      INFO(bad);
      auto r = config::parse_duration(bad);
      REQUIRE_FALSE(r);
      CHECK_THAT(r.error().message, Catch::Contains("90s, 2h, 3d"));
    }
  }
  SECTION("negative durations are refused") {
    auto r = config::parse_duration("-5s");
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("negative"));
  }
  SECTION("a non-zero number needs a unit") {
    auto r = config::parse_duration("90");
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("no unit"));
  }
  SECTION("overflow is refused, not wrapped") {
    for (const char* big :
         {"36501d", "9999999999999999h", "99999999999999999999999d", "9223372036854775807s"}) {
      INFO(big);
      auto r = config::parse_duration(big);
      REQUIRE_FALSE(r);
      CHECK_THAT(r.error().message, Catch::Contains("too long"));
    }
  }
}
