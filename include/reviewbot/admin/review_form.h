// The review list's filter form (GET /admin/reviews?stars=le2&trigger=…&from=…&to=…&q=…)
// as the page echoes it back, and its translation into the review query /v1/reviews uses
// (reviews_handler.h). Pure functions; thread-safe.
#pragma once

#include <string>

#include "reviewbot/admin/reviews_handler.h"
#include "reviewbot/http/field_result.h"
#include "reviewbot/http/route.h"

namespace reviewbot::admin {

struct ReviewListForm {
  std::string stars;  // "" | "1".."5" | "le2" | "ge4"
  std::string trigger;
  std::string q;
  std::string from, to;      // YYYY-MM-DD, both days included
  std::string query_string;  // the filters only, percent-encoded, for CSV and paging links
};

// Fills `form` afresh from the query parameters and returns the review query, or the field the
// owner got wrong (named as in the form: stars, trigger, q, from, to). A cursor parameter
// continues a page.
http::FieldResult<ReviewQuery> parse_review_form(const http::Params& params, ReviewListForm& form);

}  // namespace reviewbot::admin
