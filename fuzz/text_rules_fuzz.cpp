// Customers' free text and names: the text rules never crash on any bytes, and clean_name
// keeps its promise (no control characters, no text-reordering characters, no line breaks,
// no doubled or edge spaces), and is idempotent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "fuzz_check.h"
#include "reviewbot/core/text_rules.h"

namespace core = reviewbot::core;

namespace {

// What clean_name removes or folds: C0 and C1 controls, DEL, line and paragraph breaks,
// bidi marks, embeddings, overrides and isolates, the Arabic letter mark and the BOM.
bool is_removed(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x061C || cp == 0xFEFF;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)core::is_thank_you(text);
  (void)core::is_opt_out(text);
  if (const auto rating = core::parse_typed_rating(text)) FUZZ_CHECK(*rating >= 1 && *rating <= 5);
  if (const auto argument = core::parse_start_command(text)) FUZZ_CHECK(argument->size() < size);
  (void)core::parse_command(text, "/help");

  const std::string name = core::clean_name(text);
  for (std::size_t pos = 0; pos < name.size();) {
    const std::size_t at = pos;
    const char32_t cp = core::utf8::next(name, pos);
    FUZZ_CHECK(!is_removed(cp));
    // Valid UTF-8: invalid input bytes came out as U+FFFD, encoded.
    FUZZ_CHECK(cp != 0xFFFD || name.compare(at, 3, "\xEF\xBF\xBD") == 0);
  }
  FUZZ_CHECK(name.find("  ") == std::string::npos);
  FUZZ_CHECK(name.empty() || (name.front() != ' ' && name.back() != ' '));
  FUZZ_CHECK(core::clean_name(name) == name);
  return 0;
}
