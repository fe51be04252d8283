#include "reviewbot/admin/review_form.h"

#include <cctype>
#include <chrono>

#include "reviewbot/http/rfc3339.h"

namespace reviewbot::admin {
namespace {

// Percent-encodes a query value.
std::string url_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string first(const http::Params& params, const char* name) {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

}  // namespace

http::FieldResult<ReviewQuery> parse_review_form(const http::Params& params, ReviewListForm& form) {
  form = ReviewListForm{};
  form.stars = first(params, "stars");
  form.trigger = first(params, "trigger");
  form.q = first(params, "q");
  form.from = first(params, "from");
  form.to = first(params, "to");
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"stars", form.stars},
                                    {"trigger", form.trigger},
                                    {"q", form.q},
                                    {"from", form.from},
                                    {"to", form.to}}) {
    if (value.empty()) continue;
    if (!form.query_string.empty()) form.query_string += "&";
    form.query_string += std::string(name) + "=" + url_encode(value);
  }

  http::Params api;  // the same filters in /v1/reviews' terms
  if (form.stars == "le2") {
    api.emplace("max_rating", "2");
  } else if (form.stars == "ge4") {
    api.emplace("min_rating", "4");
  } else if (!form.stars.empty()) {
    api.emplace("rating", form.stars);
  }
  if (!form.trigger.empty()) api.emplace("trigger", form.trigger);
  if (!form.q.empty()) api.emplace("q", form.q);
  if (!form.from.empty()) api.emplace("since", form.from + "T00:00:00Z");
  if (const auto cursor = first(params, "cursor"); !cursor.empty()) api.emplace("cursor", cursor);
  auto parsed = parse_review_query(api, "");
  if (!parsed) {
    const std::string& field = parsed.error().field;
    if (field == "since") return http::FieldError{"From must be a date", "from"};
    if (field == "rating") return http::FieldError{parsed.error().error, "stars"};
    return parsed;
  }
  ReviewQuery query = std::move(parsed).value();
  if (!form.to.empty()) {
    const auto to = http::parse_rfc3339(form.to + "T00:00:00Z");
    if (!to) return http::FieldError{"To must be a date", "to"};
    query.filter.until = *to + std::chrono::hours(24);  // the whole "to" day
  }
  return query;
}

}  // namespace reviewbot::admin
