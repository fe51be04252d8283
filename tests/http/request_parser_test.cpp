// RequestParser: requests from bytes, limits, pipelining, refusals.
#include "reviewbot/http/request_parser.h"

#include <catch2/catch.hpp>
#include <string>

using namespace reviewbot::http;

namespace {

struct Fed {
  RequestParser::State state;
  std::size_t consumed;
};

Fed feed(RequestParser& p, std::string_view bytes) {
  std::size_t used = 0;
  const auto state = p.feed(bytes, used);
  return {state, used};
}

// Feeds `bytes` one at a time, as a slow client sends them.
RequestParser::State trickle(RequestParser& p, std::string_view bytes) {
  auto state = RequestParser::State::kNeedMore;
  for (std::size_t i = 0; i < bytes.size() && state == RequestParser::State::kNeedMore; ++i) {
    state = feed(p, bytes.substr(i, 1)).state;
  }
  return state;
}

int refusal(std::string_view bytes, RequestLimits limits = {}) {
  RequestParser p(limits);
  const auto fed = feed(p, bytes);
  REQUIRE(fed.state == RequestParser::State::kFailed);
  return p.error_status();
}

}  // namespace

TEST_CASE("a request is parsed: method, decoded path, query, headers, body", "[http][parser]") {
  RequestParser p({});
  const std::string bytes =
      "POST /v1/a%20b?x=1&y=two+words&x=3 HTTP/1.1\r\nHost: h\r\nX-Custom:  padded  \r\n"
      "Content-Length: 5\r\n\r\nhello";
  const auto fed = feed(p, bytes);
  REQUIRE(fed.state == RequestParser::State::kComplete);
  CHECK(fed.consumed == bytes.size());
  const ParsedRequest req = p.take();
  CHECK(req.method == "POST");
  CHECK(req.path == "/v1/a b");
  CHECK(req.params.count("x") == 2);
  CHECK(req.params.find("y")->second == "two words");
  REQUIRE(req.header("x-custom") != nullptr);
  CHECK(*req.header("x-custom") == "padded");
  CHECK(req.header("X-Custom") == nullptr);  // names are stored in lower case
  CHECK(req.body == "hello");
  CHECK(req.keep_alive);
  CHECK(req.version_minor == 1);
}

TEST_CASE("a request trickled byte by byte is the same request", "[http][parser]") {
  RequestParser p({});
  CHECK(trickle(p, "GET /healthz HTTP/1.1\r\nHost: h\r\n") == RequestParser::State::kNeedMore);
  CHECK(p.in_request());
  CHECK_FALSE(p.headers_done());
  CHECK(trickle(p, "\r\n") == RequestParser::State::kComplete);
  CHECK(p.take().path == "/healthz");
  CHECK_FALSE(p.in_request());
}

TEST_CASE("a chunked body is de-chunked", "[http][parser]") {
  RequestParser p({});
  const auto fed = feed(p,
                        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  REQUIRE(fed.state == RequestParser::State::kComplete);
  CHECK(p.take().body == "abcde");
}

TEST_CASE("pipelined requests come out one at a time, in order", "[http][parser]") {
  RequestParser p({});
  const std::string first = "GET /one HTTP/1.1\r\n\r\n";
  const std::string second = "POST /two HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
  const std::string both = first + second;
  const auto fed = feed(p, both);
  REQUIRE(fed.state == RequestParser::State::kComplete);
  CHECK(fed.consumed == first.size());  // the second request's bytes are left
  CHECK(p.take().path == "/one");
  const auto next = feed(p, std::string_view(both).substr(fed.consumed));
  REQUIRE(next.state == RequestParser::State::kComplete);
  const ParsedRequest req = p.take();
  CHECK(req.path == "/two");
  CHECK(req.body == "hi");
}

TEST_CASE("keep-alive follows the version and the Connection header", "[http][parser]") {
  RequestParser p({});
  REQUIRE(feed(p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").state ==
          RequestParser::State::kComplete);
  CHECK_FALSE(p.take().keep_alive);
  RequestParser old({});
  REQUIRE(feed(old, "GET / HTTP/1.0\r\n\r\n").state == RequestParser::State::kComplete);
  const ParsedRequest req = old.take();
  CHECK_FALSE(req.keep_alive);
  CHECK(req.version_minor == 0);
}

TEST_CASE("Expect: 100-continue is noticed until the body arrives", "[http][parser]") {
  RequestParser p({});
  REQUIRE(feed(p, "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").state ==
          RequestParser::State::kNeedMore);
  CHECK(p.expects_continue());
  REQUIRE(feed(p, "abc").state == RequestParser::State::kComplete);
  CHECK_FALSE(p.expects_continue());
}

TEST_CASE("requests over a limit or malformed are refused with the right status",
          "[http][parser]") {
  RequestLimits small;
  small.max_body_bytes = 10;
  small.max_target_bytes = 32;
  small.max_header_bytes = 200;
  small.max_headers = 3;
  SECTION("a declared body over the limit → 413 before it is sent") {
    CHECK(refusal("POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n", small) == 413);
  }
  SECTION("a chunked body growing over the limit → 413") {
    CHECK(refusal("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n"
                  "8\r\n12345678\r\n",
                  small) == 413);
  }
  SECTION("a long target → 414") {
    CHECK(refusal("GET /" + std::string(40, 'a') + " HTTP/1.1\r\n\r\n", small) == 414);
  }
  SECTION("too many headers → 431") {
    CHECK(refusal("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n", small) == 431);
  }
  SECTION("too many header bytes → 431") {
    CHECK(refusal("GET / HTTP/1.1\r\na: " + std::string(300, 'x') + "\r\n\r\n", small) == 431);
  }
  SECTION("an encoded body → 415") {
    CHECK(refusal("POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\n") ==
          415);
  }
  SECTION("an unknown expectation → 417") {
    CHECK(refusal("POST /x HTTP/1.1\r\nExpect: magic\r\nContent-Length: 1\r\n\r\n") == 417);
  }
  SECTION("a transfer coding other than chunked → 501") {
    CHECK(refusal("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
  }
  SECTION("HTTP/2 framing → 505 or 400") {
    const int status = refusal("GET / HTTP/2.0\r\n\r\n");
    CHECK((status == 505 || status == 400));
  }
  SECTION("garbage → 400, and the parser stays failed") {
    RequestParser p({});
    REQUIRE(feed(p, "\x16\x03\x01 hello TLS\r\n\r\n").state == RequestParser::State::kFailed);
    CHECK(p.error_status() == 400);
    CHECK(feed(p, "GET / HTTP/1.1\r\n\r\n").state == RequestParser::State::kFailed);
  }
  SECTION("both Content-Length and chunked → 400 (request smuggling)") {
    CHECK(refusal("POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "0\r\n\r\n") == 400);
  }
  SECTION("two different Content-Lengths → 400") {
    CHECK(refusal("POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400);
  }
}
