#include "reviewbot/core/policy.h"

#include <catch2/catch.hpp>

using namespace reviewbot::core;
using namespace std::chrono;

namespace {

// A UTC instant from calendar fields.
Time utc(int y, unsigned mo, unsigned d, int h, int mi = 0, int s = 0, int ms = 0) {
  return Time{sys_days{year{y} / month{mo} / day{d}}.time_since_epoch() + hours{h} + minutes{mi} +
              seconds{s} + milliseconds{ms}};
}

Policy quiet(const std::string& window, const std::string& zone = "UTC") {
  Policy p;
  auto q = parse_quiet_hours(window);
  REQUIRE(q);
  p.quiet_hours = *q;
  auto tz = TimeZone::find(zone);
  REQUIRE(tz);
  p.time_zone = *tz;
  return p;
}

}  // namespace

TEST_CASE("quiet hours across midnight defer a 23:30 send to 09:00", "[policy]") {
  const Policy p = quiet("21:00-09:00");
  SECTION("late evening waits for the next morning") {
    CHECK(in_quiet_hours(p, utc(2026, 11, 22, 23, 30)));
    CHECK(next_send_time(p, utc(2026, 11, 22, 23, 30)) == utc(2026, 11, 23, 9));
  }
  SECTION("early morning waits for the same morning") {
    CHECK(next_send_time(p, utc(2026, 11, 23, 3, 15)) == utc(2026, 11, 23, 9));
  }
  SECTION("daytime sends at once") {
    CHECK_FALSE(in_quiet_hours(p, utc(2026, 11, 22, 12, 0)));
    CHECK(next_send_time(p, utc(2026, 11, 22, 12, 0)) == utc(2026, 11, 22, 12, 0));
  }
  SECTION("exactly at the start is deferred") {
    CHECK(in_quiet_hours(p, utc(2026, 11, 22, 21, 0)));
    CHECK(next_send_time(p, utc(2026, 11, 22, 21, 0)) == utc(2026, 11, 23, 9));
  }
  SECTION("just before the start is allowed") {
    const Time t = utc(2026, 11, 22, 20, 59, 59, 999);
    CHECK(next_send_time(p, t) == t);
  }
  SECTION("exactly at the end is allowed") {
    CHECK_FALSE(in_quiet_hours(p, utc(2026, 11, 23, 9, 0)));
    CHECK(next_send_time(p, utc(2026, 11, 23, 9, 0)) == utc(2026, 11, 23, 9, 0));
  }
  SECTION("just before the end waits for the end") {
    CHECK(next_send_time(p, utc(2026, 11, 23, 8, 59, 59, 999)) == utc(2026, 11, 23, 9));
  }
}

TEST_CASE("quiet hours within one day defer to the window's end the same day", "[policy]") {
  const Policy p = quiet("12:00-14:00");
  CHECK(next_send_time(p, utc(2026, 11, 22, 13, 0)) == utc(2026, 11, 22, 14, 0));
  CHECK(next_send_time(p, utc(2026, 11, 22, 12, 0)) == utc(2026, 11, 22, 14, 0));
  CHECK(next_send_time(p, utc(2026, 11, 22, 14, 0)) == utc(2026, 11, 22, 14, 0));
  CHECK(next_send_time(p, utc(2026, 11, 22, 11, 59)) == utc(2026, 11, 22, 11, 59));
  CHECK(next_send_time(p, utc(2026, 11, 22, 23, 0)) == utc(2026, 11, 22, 23, 0));
}

TEST_CASE("without quiet hours every instant is a send time", "[policy]") {
  Policy p;
  p.quiet_hours.reset();
  CHECK_FALSE(in_quiet_hours(p, utc(2026, 11, 22, 23, 30)));
  CHECK(next_send_time(p, utc(2026, 11, 22, 3, 0)) == utc(2026, 11, 22, 3, 0));
}

TEST_CASE("quiet hours are read on the local clock of the configured zone", "[policy]") {
  SECTION("the same instant is night in Berlin and afternoon in New York") {
    const Time t = utc(2026, 11, 22, 20, 30);  // 21:30 CET, 15:30 EST
    const Policy berlin = quiet("21:00-09:00", "Europe/Berlin");
    const Policy new_york = quiet("21:00-09:00", "America/New_York");
    CHECK(in_quiet_hours(berlin, t));
    CHECK(next_send_time(berlin, t) == utc(2026, 11, 23, 8, 0));  // 09:00 CET
    CHECK_FALSE(in_quiet_hours(new_york, t));
    CHECK(next_send_time(new_york, t) == t);
  }
  SECTION("a New York evening crosses the UTC date line") {
    const Policy new_york = quiet("21:00-09:00", "America/New_York");
    // 21:30 EST on the 22nd is 02:30 UTC on the 23rd; 09:00 EST is 14:00 UTC.
    CHECK(next_send_time(new_york, utc(2026, 11, 23, 2, 30)) == utc(2026, 11, 23, 14, 0));
  }
}

TEST_CASE("a night that spans a DST change ends at the local morning hour", "[policy][dst]") {
  SECTION("Berlin springs forward: 23:00 CET waits until 09:00 CEST, 07:00 UTC") {
    const Policy p = quiet("21:00-09:00", "Europe/Berlin");
    CHECK(next_send_time(p, utc(2026, 3, 28, 22, 0)) == utc(2026, 3, 29, 7, 0));
  }
  SECTION("New York falls back: 22:00 EDT waits until 09:00 EST, 14:00 UTC") {
    const Policy p = quiet("21:00-09:00", "America/New_York");
    CHECK(next_send_time(p, utc(2026, 11, 1, 2, 0)) == utc(2026, 11, 1, 14, 0));
  }
  SECTION("a window ending in the skipped hour ends at the jump") {
    // 02:30 does not exist in Berlin on 2026-03-29; clocks go 02:00 CET -> 03:00 CEST.
    const Policy p = quiet("21:00-02:30", "Europe/Berlin");
    const Time end = next_send_time(p, utc(2026, 3, 28, 23, 0));
    CHECK(end == utc(2026, 3, 29, 1, 0));
    CHECK_FALSE(in_quiet_hours(p, end));
  }
  SECTION("a window ending in the repeated hour ends at the next time the clock reads it") {
    // New York, 2026-11-01: 01:00-02:00 happens in EDT (05:00 UTC) and again in EST (06:00).
    const Policy p = quiet("22:00-01:30", "America/New_York");
    CHECK(next_send_time(p, utc(2026, 11, 1, 5, 0)) == utc(2026, 11, 1, 5, 30));
    CHECK(next_send_time(p, utc(2026, 11, 1, 6, 10)) == utc(2026, 11, 1, 6, 30));
  }
}

TEST_CASE("time zone offsets follow daylight saving time", "[policy][tz]") {
  auto berlin = TimeZone::find("Europe/Berlin");
  auto new_york = TimeZone::find("America/New_York");
  REQUIRE(berlin);
  REQUIRE(new_york);
  CHECK(berlin->name() == "Europe/Berlin");
  CHECK(berlin->offset_at(utc(2026, 1, 15, 12)) == hours{1});
  CHECK(berlin->offset_at(utc(2026, 7, 1, 12)) == hours{2});
  CHECK(new_york->offset_at(utc(2026, 7, 1, 12)) == hours{-4});
  CHECK(new_york->offset_at(utc(2026, 12, 1, 12)) == hours{-5});
  SECTION("the switch happens at the published instant") {
    CHECK(berlin->offset_at(utc(2026, 3, 29, 0, 59, 59, 999)) == hours{1});
    CHECK(berlin->offset_at(utc(2026, 3, 29, 1, 0)) == hours{2});
  }
  SECTION("years past the compiled transition table keep DST") {
    CHECK(berlin->offset_at(utc(2040, 7, 1, 12)) == hours{2});
    CHECK(berlin->offset_at(utc(2040, 12, 1, 12)) == hours{1});
  }
  SECTION("UTC has no offset and needs no database") {
    CHECK(TimeZone::utc().offset_at(utc(2026, 7, 1, 12)) == hours{0});
    auto z = TimeZone::find("UTC");
    REQUIRE(z);
    CHECK(z->name() == "UTC");
  }
}

TEST_CASE("an unknown time zone is an error naming the accepted form", "[policy][tz]") {
  auto z = TimeZone::find("Mars/Olympus_Mons");
  REQUIRE_FALSE(z);
  CHECK(z.error().message ==
        "unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as Europe/Berlin)");
  CHECK_FALSE(TimeZone::find(""));
  CHECK_FALSE(TimeZone::find("../../etc/passwd"));
}

TEST_CASE("quiet hours parse from HH:MM-HH:MM", "[policy]") {
  SECTION("valid windows") {
    auto night = parse_quiet_hours("21:00-09:00");
    REQUIRE(night);
    REQUIRE(night->has_value());
    CHECK((*night)->start_minute == 21 * 60);
    CHECK((*night)->end_minute == 9 * 60);
    auto lunch = parse_quiet_hours("9:15-17:30");
    REQUIRE(lunch);
    CHECK((*lunch)->start_minute == 9 * 60 + 15);
    CHECK((*lunch)->end_minute == 17 * 60 + 30);
    auto midnight = parse_quiet_hours("22:00-00:00");
    REQUIRE(midnight);
    CHECK((*midnight)->end_minute == 0);
  }
  SECTION("empty disables") {
    auto none = parse_quiet_hours("");
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
  }
  SECTION("malformed windows are errors naming the form") {
    for (const char* bad : {"21:00", "21-09", "25:00-09:00", "21:60-09:00", "21:00-09:00-10:00",
                            "ab:cd-ef:gh", "21:0-09:00", "-09:00", "21:00-", "2100-0900"}) {
      auto r = parse_quiet_hours(bad);
      INFO(bad);
      REQUIRE_FALSE(r);
      CHECK_THAT(r.error().message, Catch::Contains("HH:MM-HH:MM"));
    }
  }
  SECTION("a window that starts where it ends is refused") {
    auto r = parse_quiet_hours("21:00-21:00");
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("same time"));
  }
}

TEST_CASE("cooldown skips a second request within 30 days", "[policy]") {
  Policy p;  // COOLDOWN defaults to 30 days
  Customer c;
  const Time last = utc(2026, 10, 1, 12);
  c.last_request_at = last;
  SECTION("just inside the window") {
    CHECK(in_cooldown(p, c, last + days{30} - milliseconds{1}));
    CHECK(in_cooldown(p, c, last));
  }
  SECTION("exactly 30 days later is allowed") { CHECK_FALSE(in_cooldown(p, c, last + days{30})); }
  SECTION("a customer never asked is not in cooldown") {
    c.last_request_at.reset();
    CHECK_FALSE(in_cooldown(p, c, last));
  }
  SECTION("a zero cooldown never blocks") {
    p.cooldown = Duration{0};
    CHECK_FALSE(in_cooldown(p, c, last));
  }
}
