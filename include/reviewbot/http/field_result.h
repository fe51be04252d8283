// FieldResult<T>: a value, or a client error that names the offending input field (a
// dotted JSON path such as "customer.telegram_chat_id", or a query parameter). The HTTP
// layer answers it as 400 {"error": ..., "field": ...}. Thread-compatible value type.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace reviewbot::http {

struct FieldError {
  std::string error;  // human-readable, safe to show to the client
  std::string field;  // "" when the problem is the body as a whole
};

template <class T>
class [[nodiscard]] FieldResult {
 public:
  FieldResult(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  FieldResult(FieldError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Require ok().
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const& { return value(); }

  // Require !ok().
  const FieldError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, FieldError> v_;
};

}  // namespace reviewbot::http
