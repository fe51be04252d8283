// A Telegram update, as the webhook and the poller receive it from the network: parse_update
// never throws, crashes or reads out of bounds, whatever the JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reviewbot/platform/telegram/update_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  (void)reviewbot::platform::telegram::parse_update(json);
  return 0;
}
