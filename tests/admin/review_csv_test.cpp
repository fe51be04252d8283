#include "reviewbot/admin/review_csv.h"

#include <catch2/catch.hpp>

#include "fakes/fake_store.h"
#include "reviewbot/admin/reviews_handler.h"

using namespace reviewbot;

TEST_CASE("CSV cells follow RFC 4180 quoting", "[csv]") {
  CHECK(admin::csv_cell("plain", false) == "plain");
  CHECK(admin::csv_cell("a,b", false) == "\"a,b\"");
  CHECK(admin::csv_cell("say \"hi\"", false) == "\"say \"\"hi\"\"\"");
  CHECK(admin::csv_cell("two\nlines", false) == "\"two\nlines\"");
  CHECK(admin::csv_cell("cr\rhere", false) == "\"cr\rhere\"");
  CHECK(admin::csv_cell("", false).empty());
}

TEST_CASE("CSV text cells that look like formulas get a leading quote", "[csv]") {
  CHECK(admin::csv_cell("=1+1", true) == "'=1+1");
  CHECK(admin::csv_cell("+7 999", true) == "'+7 999");
  CHECK(admin::csv_cell("-2", true) == "'-2");
  CHECK(admin::csv_cell("@SUM(A1)", true) == "'@SUM(A1)");
  CHECK(admin::csv_cell("\tx", true) == "'\tx");
  CHECK(admin::csv_cell("=A1,B1", true) == "\"'=A1,B1\"");
  CHECK(admin::csv_cell("fine = good", true) == "fine = good");
  SECTION("numeric columns are left alone (group chat ids are negative)") {
    core::Review r;
    r.id = 9;
    r.rating = 3;
    r.chat_id = -100123;
    const std::string row = admin::csv_row(r);
    CHECK(row.rfind("9,3,,-100123,,,transaction.completed,,,,,", 0) == 0);
    CHECK(row.size() >= 2);
    CHECK(row.substr(row.size() - 2) == "\r\n");
  }
}

TEST_CASE("a CSV export pages through the store until the end or the limit", "[csv]") {
  testing::FakeStore store;
  std::vector<core::Review> reviews;
  for (int i = 1; i <= 1001; ++i) {
    core::Review r;
    r.id = i;
    r.rating = 5;
    reviews.push_back(r);
  }
  store.set_reviews(reviews);

  SECTION("everything") {
    admin::ReviewCsvExport exporter(store, {}, std::nullopt);
    std::string all;
    int chunks = 0;
    while (!exporter.finished()) {
      auto chunk = exporter.next_chunk();
      REQUIRE(chunk.ok());
      all += *chunk;
      ++chunks;
    }
    CHECK(std::count(all.begin(), all.end(), '\n') == 1002);
    CHECK(chunks == 3);
  }
  SECTION("at most max_rows") {
    admin::ReviewCsvExport exporter(store, {}, 2);
    auto chunk = exporter.next_chunk();
    REQUIRE(chunk.ok());
    CHECK(std::count(chunk->begin(), chunk->end(), '\n') == 3);
    CHECK(exporter.finished());
  }
  SECTION("a store failure is an error") {
    store.set_unavailable(true);
    admin::ReviewCsvExport exporter(store, {}, std::nullopt);
    CHECK_FALSE(exporter.next_chunk().ok());
  }
}

TEST_CASE("review queries default and validate", "[reviews]") {
  auto q = admin::parse_review_query({}, "");
  REQUIRE(q.ok());
  CHECK(q->filter.limit == 50);
  CHECK_FALSE(q->csv);
  CHECK_FALSE(q->limit_given);
  auto full = admin::parse_review_query({{"rating", "2"},
                                         {"since", "2026-01-01T00:00:00Z"},
                                         {"until", "2026-02-01T00:00:00+01:00"},
                                         {"limit", "500"},
                                         {"cursor", "77"}},
                                        "application/json");
  REQUIRE(full.ok());
  CHECK(full->filter.rating == 2);
  CHECK(full->filter.since.has_value());
  CHECK(full->filter.until.has_value());
  CHECK(full->filter.limit == 500);
  CHECK(full->filter.after_id == 77);
  CHECK(admin::parse_review_query({}, "text/csv, */*")->csv);
  CHECK_FALSE(admin::parse_review_query({{"format", "json"}}, "text/csv")->csv);
  CHECK(admin::parse_review_query({{"rating", "3x"}}, "").error().field == "rating");
  CHECK(admin::parse_review_query({{"cursor", "-1"}}, "").error().field == "cursor");
}

TEST_CASE("review queries take a rating range, a trigger and a search text", "[reviews]") {
  auto q = admin::parse_review_query(
      {{"min_rating", "1"}, {"max_rating", "2"}, {"trigger", "thank_you"}, {"q", "cold"}}, "");
  REQUIRE(q);
  CHECK(q->filter.min_rating == 1);
  CHECK(q->filter.max_rating == 2);
  CHECK(q->filter.trigger == core::Trigger::kThankYou);
  CHECK(q->filter.search == "cold");
  CHECK(admin::parse_review_query({{"max_rating", "6"}}, "").error().field == "max_rating");
  CHECK(admin::parse_review_query({{"min_rating", "0"}}, "").error().field == "min_rating");
  CHECK(admin::parse_review_query({{"trigger", "sale"}}, "").error().field == "trigger");
  CHECK(admin::parse_review_query({{"q", std::string(201, 'a')}}, "").error().field == "q");
  CHECK(admin::parse_review_query({{"q", std::string(200, 'a')}}, "").ok());
}
