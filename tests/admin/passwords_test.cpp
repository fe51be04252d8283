#include "reviewbot/admin/passwords.h"

#include <catch2/catch.hpp>

using namespace reviewbot;

TEST_CASE("a password hash verifies its password and nothing else", "[passwords]") {
  const auto hash = admin::hash_password("correct horse battery");
  REQUIRE(hash);
  CHECK(hash->rfind("$scrypt$ln=14,r=8,p=5$", 0) == 0);
  CHECK(admin::verify_password("correct horse battery", *hash));
  CHECK_FALSE(admin::verify_password("correct horse batterY", *hash));
  CHECK_FALSE(admin::verify_password("", *hash));
  // Salted: the same password hashes differently each time.
  const auto again = admin::hash_password("correct horse battery");
  REQUIRE(again);
  CHECK(*again != *hash);
  CHECK(admin::verify_password("correct horse battery", *again));
}

TEST_CASE("malformed or out-of-bounds hashes never verify", "[passwords]") {
  const auto hash = admin::hash_password("pw-0123456789");
  REQUIRE(hash);
  const std::string salt_and_key = hash->substr(std::string("$scrypt$ln=14,r=8,p=5").size());
  for (const std::string& bad :
       {std::string(), std::string("pw-0123456789"), "$bcrypt$" + salt_and_key,
        "$scrypt$ln=14,r=8" + salt_and_key, "$scrypt$ln=40,r=8,p=5" + salt_and_key,
        std::string("$scrypt$ln=14,r=8,p=5$zz$00"), hash->substr(0, hash->size() - 1)}) {
    CHECK_FALSE(admin::verify_password("pw-0123456789", bad));
  }
}

TEST_CASE("tokens are random hex and stored as their SHA-256", "[passwords]") {
  const auto a = admin::random_token();
  const auto b = admin::random_token();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->size() == 64);
  CHECK(*a != *b);
  CHECK(a->find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(admin::token_hash("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
