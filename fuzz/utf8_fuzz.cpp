// core's UTF-8 helpers, which every customer's text and name goes through: decoding always
// advances (1 to 4 bytes) and ends, length() counts what next() decodes, and truncate()
// keeps its bound and its prefix. The first byte of the input picks truncate's bound.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "fuzz_check.h"

namespace utf8 = reviewbot::core::utf8;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t bound = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::size_t count = 0;
  std::string reencoded;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t before = pos;
    const char32_t cp = utf8::next(text, pos);
    FUZZ_CHECK(pos > before && pos - before <= 4 && pos <= text.size());
    FUZZ_CHECK(cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
    // A code point decoded from valid bytes encodes back to exactly those bytes.
    if (cp != 0xFFFD) {
      std::string bytes;
      utf8::append(bytes, cp);
      FUZZ_CHECK(bytes == text.substr(before, pos - before));
    }
    utf8::append(reencoded, cp);
    ++count;
  }
  FUZZ_CHECK(utf8::length(text) == count);

  // Lower-casing never changes the number of code points.
  FUZZ_CHECK(utf8::length(utf8::to_lower(reencoded)) == count);

  const std::string cut = utf8::truncate(text, bound);
  if (count <= bound) {
    FUZZ_CHECK(cut == text);
  } else {
    FUZZ_CHECK(utf8::length(cut) == bound + 1);  // the bound, then "…"
    FUZZ_CHECK(cut.size() >= 3 && cut.compare(cut.size() - 3, 3, "\xE2\x80\xA6") == 0);
  }
  return 0;
}
