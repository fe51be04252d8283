#include "reviewbot/core/links.h"

#include <catch2/catch.hpp>

using namespace reviewbot::core;

namespace {

bool is_start_charset(const std::string& s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a start parameter round-trips to its external id", "[links]") {
  const std::vector<std::string> ids = {"C-77",
                                        "a",
                                        "customer@example.com",
                                        "Ünïcødé клиент",
                                        std::string(kMaxLinkExternalIdBytes, 'z'),
                                        std::string("\0\xff", 2)};
  for (const auto& id : ids) {
    INFO(id);
    auto param = make_start_parameter("s3cret", id);
    REQUIRE(param);
    CHECK(param->size() <= 64);
    CHECK(is_start_charset(*param));
    CHECK(verify_start_parameter("s3cret", *param) == id);
  }
}

TEST_CASE("a start parameter is deterministic and tied to its secret", "[links]") {
  const auto param = make_start_parameter("s3cret", "C-77").value();
  CHECK(make_start_parameter("s3cret", "C-77").value() == param);
  CHECK(make_start_parameter("other", "C-77").value() != param);

  SECTION("a wrong secret is rejected") {
    CHECK_FALSE(verify_start_parameter("other", param));
    CHECK_FALSE(verify_start_parameter("", param));
  }
  SECTION("a tampered id or tag is rejected") {
    const auto other = make_start_parameter("s3cret", "C-78").value();
    // Another id's encoding with this id's tag.
    CHECK_FALSE(verify_start_parameter(
        "s3cret", other.substr(0, other.size() - 12) + param.substr(param.size() - 12)));
    for (std::size_t i = 0; i < param.size(); ++i) {
      std::string tampered = param;
      tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
      INFO(tampered);
      CHECK_FALSE(verify_start_parameter("s3cret", tampered));
    }
  }
  SECTION("truncated, extended and foreign parameters are rejected") {
    CHECK_FALSE(verify_start_parameter("s3cret", param.substr(0, param.size() - 1)));
    CHECK_FALSE(verify_start_parameter("s3cret", param + "A"));
    CHECK_FALSE(verify_start_parameter("s3cret", param.substr(param.size() - 12)));
    CHECK_FALSE(verify_start_parameter("s3cret", ""));
    CHECK_FALSE(verify_start_parameter("s3cret", "hello"));
    CHECK_FALSE(verify_start_parameter("s3cret", std::string(200, 'A')));
    CHECK_FALSE(verify_start_parameter("s3cret", "Qy03Nw==" + param.substr(param.size() - 12)));
  }
}

TEST_CASE("external ids outside the limits are refused", "[links]") {
  CHECK_FALSE(make_start_parameter("s3cret", ""));
  auto too_long = make_start_parameter("s3cret", std::string(kMaxLinkExternalIdBytes + 1, 'z'));
  REQUIRE_FALSE(too_long);
  CHECK_THAT(too_long.error().message, Catch::Contains("39"));
  CHECK_FALSE(make_start_parameter("", "C-77"));
  const auto longest = make_start_parameter("s3cret", std::string(kMaxLinkExternalIdBytes, 'z'));
  REQUIRE(longest);
  CHECK(longest->size() == 64);
}
