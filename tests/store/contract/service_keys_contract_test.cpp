// Store::keep_key contract: the first value stored under a name is the one every later
// call gets, whatever it proposes, across a restart (contract/backends.h).
#include "store/contract/backends.h"

using namespace reviewbot;
using namespace reviewbot::testing;

TEMPLATE_TEST_CASE("keep_key stores the first proposal and returns it ever after",
                   "[store][contract][keys]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  const auto first = backend.store().keep_key("link_secret", "token-of-the-first-start");
  REQUIRE(first);
  CHECK(*first == "token-of-the-first-start");
  // A new token at a later start changes nothing.
  CHECK(*backend.store().keep_key("link_secret", "a-rotated-token") == "token-of-the-first-start");
  // Names are separate.
  CHECK(*backend.store().keep_key("other", "b") == "b");

  backend.reopen();
  CHECK(*backend.store().keep_key("link_secret", "yet-another") == "token-of-the-first-start");
  CHECK(*backend.store().keep_key("other", "c") == "b");
}
