// Bot API call parameters, merged from the query string, a form body and a JSON body into
// one JSON object, with the lenient typing Telegram applies ("123" is an integer, a
// JSON-encoded string is an object). Value type, thread-compatible.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mock_platform/result.h"

namespace mock_platform {

class Params {
 public:
  Params() = default;
  explicit Params(nlohmann::json object) : values_(std::move(object)) {}

  // Parses a JSON body; its keys override earlier ones. Empty body is fine.
  // Error: 400 "Bad Request: can't parse JSON object" (not JSON or not an object).
  Status merge_json_body(std::string_view body);
  // Adds a string parameter (query string or form field); JSON body keys win.
  void set_string(const std::string& name, std::string value);

  bool has(const std::string& name) const;
  // nullopt when absent; numbers become their decimal text.
  std::optional<std::string> get_string(const std::string& name) const;
  // nullopt when absent or not an integer.
  std::optional<std::int64_t> get_int(const std::string& name) const;
  // Accepts true/false, "true"/"false", 1/0. Absent or other → `fallback`.
  bool get_bool(const std::string& name, bool fallback = false) const;
  // A JSON value, decoding a string that holds JSON (as form fields carry objects).
  // nullopt when absent; a string that is not JSON is returned as a JSON string.
  std::optional<nlohmann::json> get_json(const std::string& name) const;

  const nlohmann::json& values() const { return values_; }

 private:
  nlohmann::json values_ = nlohmann::json::object();
};

}  // namespace mock_platform
