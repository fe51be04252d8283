#include "reviewbot/admin/review_form.h"

#include <catch2/catch.hpp>

#include "reviewbot/http/rfc3339.h"

using namespace reviewbot;

TEST_CASE("the review form becomes the API's filter, both days included", "[review_form]") {
  admin::ReviewListForm form;
  const auto q = admin::parse_review_form({{"stars", "le2"},
                                           {"trigger", "thank_you"},
                                           {"q", "cold & late"},
                                           {"from", "2026-11-01"},
                                           {"to", "2026-11-30"},
                                           {"cursor", "77"}},
                                          form);
  REQUIRE(q);
  CHECK(q->filter.max_rating == 2);
  CHECK_FALSE(q->filter.min_rating);
  CHECK(q->filter.trigger == core::Trigger::kThankYou);
  CHECK(q->filter.search == "cold & late");
  CHECK(q->filter.since == http::parse_rfc3339("2026-11-01T00:00:00Z"));
  CHECK(q->filter.until == http::parse_rfc3339("2026-12-01T00:00:00Z"));
  CHECK(q->filter.after_id == 77);
  CHECK(form.stars == "le2");
  // The links keep the filters (not the cursor), percent-encoded.
  CHECK(form.query_string ==
        "stars=le2&trigger=thank_you&q=cold%20%26%20late&from=2026-11-01&to=2026-11-30");
}

TEST_CASE("the review form names the field the owner got wrong", "[review_form]") {
  admin::ReviewListForm form;
  CHECK(admin::parse_review_form({{"stars", "ge4"}}, form)->filter.min_rating == 4);
  CHECK(admin::parse_review_form({{"stars", "3"}}, form)->filter.rating == 3);
  CHECK(admin::parse_review_form({{"stars", "9"}}, form).error().field == "stars");
  CHECK(admin::parse_review_form({{"from", "yesterday"}}, form).error().field == "from");
  CHECK(admin::parse_review_form({{"to", "2026-13-01"}}, form).error().field == "to");
  CHECK(admin::parse_review_form({{"trigger", "sale"}}, form).error().field == "trigger");
  const auto none = admin::parse_review_form({}, form);
  REQUIRE(none);
  CHECK_FALSE(none->filter.until);
  CHECK(form.query_string.empty());
}
