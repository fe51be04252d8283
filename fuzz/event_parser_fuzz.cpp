// A till's POST /v1/events body: parse_event never throws or crashes, and an accepted event
// keeps the documented limits (DESIGN.md's event body).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "reviewbot/core/links.h"
#include "reviewbot/http/event_parser.h"

namespace http = reviewbot::http;

namespace {
bool has_control(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) return true;
  }
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto received_at = reviewbot::core::Time(std::chrono::seconds(1'780'000'000));
  const auto parsed = http::parse_event(body, received_at);
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.error().error.empty());
    return 0;
  }
  const auto& event = *parsed;
  FUZZ_CHECK(!event.id.empty() && event.id.size() <= http::kMaxEventIdBytes);
  FUZZ_CHECK(event.items.size() <= http::kMaxEventItems);
  if (event.type == reviewbot::core::TransactionEvent::Type::kCompleted) {
    FUZZ_CHECK(event.telegram_chat_id || event.external_id);
  }
  if (event.telegram_chat_id) FUZZ_CHECK(*event.telegram_chat_id > 0);
  if (event.external_id) {
    FUZZ_CHECK(event.external_id->size() <= reviewbot::core::kMaxLinkExternalIdBytes);
  }
  // Names reach customers' messages: never a control character (a forged line).
  FUZZ_CHECK(!has_control(event.customer_name));
  for (const auto& item : event.items) FUZZ_CHECK(!has_control(item.name));
  // Never more than a day ahead of the clock it was received by.
  FUZZ_CHECK(event.occurred_at <= received_at + std::chrono::hours(24));
  return 0;
}
