// RFC 3339 times (occurred_at, the dashboard's date filters): parse_rfc3339 never crashes,
// and a time it accepts formats and parses back to the same instant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "reviewbot/http/rfc3339.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto t = reviewbot::http::parse_rfc3339(text);
  if (!t) return 0;
  const std::string formatted = reviewbot::http::format_rfc3339(*t);
  const auto again = reviewbot::http::parse_rfc3339(formatted);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == *t);  // both keep milliseconds
  return 0;
}
