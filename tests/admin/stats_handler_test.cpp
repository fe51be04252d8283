#include "reviewbot/admin/stats_handler.h"

#include <catch2/catch.hpp>

#include "fakes/fake_store.h"

using namespace reviewbot;

TEST_CASE("stats JSON has every rating key and a null average when nothing was rated", "[stats]") {
  const auto empty = admin::stats_to_json(core::Stats{});
  CHECK(empty["average_rating"].is_null());
  CHECK(empty["response_rate"] == 0.0);
  for (const char* key : {"1", "2", "3", "4", "5"}) CHECK(empty["distribution"][key] == 0);
  CHECK(empty["distribution"].size() == 5);

  testing::FakeStore store;
  store.set_unavailable(true);
  CHECK(admin::handle_stats(store).status == 503);
}
