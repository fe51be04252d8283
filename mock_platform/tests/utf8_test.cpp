#include "mock_platform/utf8.h"

#include <catch2/catch.hpp>

using mock_platform::is_blank;
using mock_platform::utf16_length;

TEST_CASE("utf16_length counts characters outside the BMP twice", "[utf8]") {
  CHECK(utf16_length("abc") == 3u);
  CHECK(utf16_length("\xd0\xbf\xd1\x80") == 2u);  // "пр"
  CHECK(utf16_length("\xe8\xb0\xa2") == 1u);      // "谢"
  CHECK(utf16_length("\xf0\x9f\x99\x8f") == 2u);  // U+1F64F folded hands
  CHECK(utf16_length("") == 0u);
}

TEST_CASE("utf16_length rejects invalid UTF-8", "[utf8]") {
  CHECK_FALSE(utf16_length("\xff"));
  CHECK_FALSE(utf16_length("\xc0\xaf"));      // overlong '/'
  CHECK_FALSE(utf16_length("\xed\xa0\x80"));  // surrogate
  CHECK_FALSE(utf16_length("\xe8\xb0"));      // truncated
}

TEST_CASE("is_blank sees only white space as blank", "[utf8]") {
  CHECK(is_blank(""));
  CHECK(is_blank(" \n\t"));
  CHECK(is_blank("\xc2\xa0"));  // no-break space
  CHECK_FALSE(is_blank(" a "));
}
