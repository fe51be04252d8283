// Request ids: a caller's sane id is kept; otherwise every request gets a new one.
#include "reviewbot/http/request_id.h"

#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace reviewbot::http;

namespace {

bool is_lower_hex(const std::string& id) {
  return id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("a new request id is 32 hex characters and never repeats, also across threads",
          "[http][request_id]") {
  std::mutex mutex;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 5000; ++i) mine.push_back(make_request_id());
      const std::lock_guard lock(mutex);
      ids.insert(mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ids.size() == 20000);
  for (const std::string& id : {*ids.begin(), *ids.rbegin()}) {
    CHECK(id.size() == 32);
    CHECK(is_lower_hex(id));
  }
  // One process shares a prefix; the rest does not count up in the open.
  const std::string a = make_request_id(), b = make_request_id();
  CHECK(a.substr(0, 16) == b.substr(0, 16));
  CHECK(std::stoull(b.substr(16), nullptr, 16) != std::stoull(a.substr(16), nullptr, 16) + 1);
}

TEST_CASE("a caller's request id is kept when it is a sane token, else replaced",
          "[http][request_id]") {
  CHECK(request_id_for("abc-123_x.y:z") == "abc-123_x.y:z");
  for (const std::string& bad :
       {std::string(), std::string("has space"), std::string("new\nline"), std::string(129, 'a')}) {
    const std::string id = request_id_for(bad);
    CHECK(id != bad);
    CHECK(id.size() == 32);
    CHECK(is_lower_hex(id));
  }
}
