// Finders over a Decision's outgoing messages for the Engine's tests; they REQUIRE what they
// return to exist. Single-threaded test use.
#pragma once

#include <catch2/catch.hpp>
#include <variant>
#include <vector>

#include "reviewbot/core/engine.h"

namespace reviewbot::testing {

inline std::vector<core::MessageKind> kinds(const core::Decision& d) {
  std::vector<core::MessageKind> out;
  for (const auto& m : d.messages) out.push_back(m.kind);
  return out;
}

inline const core::OutgoingMessage& only(const core::Decision& d, core::MessageKind kind) {
  const core::OutgoingMessage* found = nullptr;
  int count = 0;
  for (const auto& m : d.messages) {
    if (m.kind == kind) {
      found = &m;
      ++count;
    }
  }
  INFO("messages of kind " << core::to_string(kind));
  REQUIRE(count == 1);
  return *found;
}

inline bool has(const core::Decision& d, core::MessageKind kind) {
  for (const auto& m : d.messages) {
    if (m.kind == kind) return true;
  }
  return false;
}

inline const core::SendText& text_of(const core::OutgoingMessage& m) {
  REQUIRE(std::holds_alternative<core::SendText>(m.body));
  return std::get<core::SendText>(m.body);
}

}  // namespace reviewbot::testing
