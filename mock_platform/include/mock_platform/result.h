// Errors as values inside mock_platform: Result<T> holds a T or an ApiError shaped like a
// Bot API failure (HTTP code, description, optional "parameters" object). Value types,
// thread-compatible.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace mock_platform {

struct ApiError {
  int code = 400;
  std::string description;
  nlohmann::json parameters;  // null, or an object such as {"retry_after": 3}
};

// "Bad Request: <what>", the 400 every Bot API validation failure uses.
inline ApiError bad_request(std::string what) {
  return {400, "Bad Request: " + std::move(what), {}};
}
inline ApiError forbidden(std::string what) { return {403, "Forbidden: " + std::move(what), {}}; }
inline ApiError not_found(std::string what) { return {404, std::move(what), {}}; }
inline ApiError conflict(std::string what) { return {409, std::move(what), {}}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(ApiError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Require ok().
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const& { return value(); }

  // Require !ok().
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace mock_platform
