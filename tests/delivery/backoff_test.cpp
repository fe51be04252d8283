#include "reviewbot/delivery/backoff.h"

#include <catch2/catch.hpp>

using namespace reviewbot;
using delivery::BackoffPolicy;

TEST_CASE("backoff doubles from 1 s up to a 5 min cap", "[backoff]") {
  const BackoffPolicy p;
  CHECK(delivery::backoff_ceiling(p, 1) == core::Duration{1000});
  CHECK(delivery::backoff_ceiling(p, 2) == core::Duration{2000});
  CHECK(delivery::backoff_ceiling(p, 9) == core::Duration{256'000});
  CHECK(delivery::backoff_ceiling(p, 10) == core::Duration{300'000});
  CHECK(delivery::backoff_ceiling(p, 1000) == core::Duration{300'000});
}

TEST_CASE("full jitter spreads delays between zero and the ceiling", "[backoff]") {
  const BackoffPolicy p;
  CHECK(delivery::backoff_delay(p, 3, 0.0) == core::Duration{0});
  CHECK(delivery::backoff_delay(p, 3, 0.5) == core::Duration{2000});
  CHECK(delivery::backoff_delay(p, 3, 0.999999) < core::Duration{4000});
  CHECK(delivery::backoff_delay(p, 50, 1.5) < core::Duration{300'000});
  SECTION("the default random source stays in range") {
    auto random = delivery::default_unit_random();
    for (int i = 0; i < 1000; ++i) {
      const double u = random();
      REQUIRE(u >= 0.0);
      REQUIRE(u < 1.0);
    }
  }
}
