#include "reviewbot/http/auth.h"

#include <catch2/catch.hpp>

using namespace reviewbot::http;

TEST_CASE("constant-time comparison answers like ==", "[auth]") {
  CHECK(constant_time_equals("secret", "secret"));
  CHECK(constant_time_equals("", ""));
  CHECK_FALSE(constant_time_equals("secret", "secreT"));
  CHECK_FALSE(constant_time_equals("secret", "secret2"));
  CHECK_FALSE(constant_time_equals("", "x"));
  CHECK_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST_CASE("bearer tokens are read from the Authorization header", "[auth]") {
  CHECK(bearer_token("Bearer abc") == std::optional<std::string_view>("abc"));
  CHECK(bearer_token("bearer   abc  ") == std::optional<std::string_view>("abc"));
  CHECK_FALSE(bearer_token("Basic abc"));
  CHECK_FALSE(bearer_token("Bearer"));
  CHECK_FALSE(bearer_token("Bearer "));
  CHECK_FALSE(bearer_token("Bearerabc"));

  CHECK(bearer_matches("Bearer t0ken", "t0ken"));
  CHECK_FALSE(bearer_matches("Bearer t0ken", "other"));
  CHECK_FALSE(bearer_matches("", "t0ken"));
  SECTION("an unconfigured token never matches") { CHECK_FALSE(bearer_matches("Bearer ", "")); }
}

TEST_CASE("HMAC-SHA256 signatures match only the exact body and secret", "[auth]") {
  // RFC 4231 test case 2.
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string body = R"({"id":"evt-1"})";
  const std::string sig = "sha256=" + hmac_sha256_hex("s3cret", body);
  CHECK(signature_matches(sig, "s3cret", body));
  SECTION("hex in upper case is accepted") {
    std::string upper = sig;
    for (std::size_t i = 7; i < upper.size(); ++i)
      upper[i] = static_cast<char>(std::toupper(upper[i]));
    CHECK(signature_matches(upper, "s3cret", body));
  }
  CHECK_FALSE(signature_matches(sig, "s3cret", body + " "));
  CHECK_FALSE(signature_matches(sig, "other", body));
  CHECK_FALSE(signature_matches(hmac_sha256_hex("s3cret", body), "s3cret", body));
  CHECK_FALSE(signature_matches("sha256=", "s3cret", body));
  CHECK_FALSE(signature_matches(sig, "", body));
}
