// Raw bytes from a client socket: the request parser never crashes, keeps its limits, and
// reads the same requests whether the bytes arrive at once or in small pieces (the first
// byte of the input sets the piece size), which is how slow and pipelining clients send.
// Form bodies and cookies, which handlers read from the same bytes, are decoded too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "reviewbot/http/form.h"
#include "reviewbot/http/request_parser.h"

namespace http = reviewbot::http;

namespace {

// Small limits, so inputs of a few hundred bytes reach every refusal.
constexpr http::RequestLimits kLimits{
    .max_target_bytes = 64, .max_header_bytes = 512, .max_headers = 8, .max_body_bytes = 256};

// What the parser read: one line per request, then how it ended.
std::vector<std::string> parse(std::string_view input, std::size_t piece) {
  http::RequestParser parser(kLimits);
  std::vector<std::string> out;
  std::string buffer;
  std::size_t offset = 0;
  while (true) {
    std::size_t consumed = 0;
    const auto state = parser.feed(buffer, consumed);
    FUZZ_CHECK(consumed <= buffer.size());
    buffer.erase(0, consumed);
    if (state == http::RequestParser::State::kFailed) {
      const int status = parser.error_status();
      FUZZ_CHECK(status == 400 || status == 413 || status == 414 || status == 415 ||
                 status == 417 || status == 431 || status == 501 || status == 505);
      // Only that it failed: which of two faults in one request shows first may depend
      // on where the bytes split (an over-long target seen in pieces is 414 before a bad
      // byte later in it is 400).
      out.push_back("failed");
      return out;
    }
    if (state == http::RequestParser::State::kComplete) {
      const bool upgrade = parser.upgrade();
      const http::ParsedRequest request = parser.take();
      FUZZ_CHECK(request.body.size() <= kLimits.max_body_bytes);
      FUZZ_CHECK(request.headers.size() <= kLimits.max_headers);
      std::string line = request.method + " " + request.path + " " +
                         std::to_string(request.version_minor) + " " +
                         (request.keep_alive ? "keep" : "close") + " " + request.body;
      for (const auto& [name, value] : request.headers) {
        FUZZ_CHECK(
            std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
        line += "|" + name + ":" + value;
      }
      out.push_back(line);
      if (upgrade) return out;  // the connection is answered, then closed
      continue;
    }
    if (offset == input.size()) {
      out.push_back(parser.in_request() ? "incomplete" : "idle");
      return out;
    }
    const std::size_t n = std::min(piece, input.size() - offset);
    buffer.append(input.substr(offset, n));
    offset += n;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 16;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  FUZZ_CHECK(parse(input, input.size() + 1) == parse(input, piece));
  (void)http::parse_form(input);
  (void)http::cookie_value(input, "reviewbot_session");
  // Decoding never makes text longer.
  FUZZ_CHECK(http::percent_decode(input, true).size() <= input.size());
  return 0;
}
