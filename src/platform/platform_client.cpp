#include "reviewbot/platform/platform_client.h"

namespace reviewbot::platform {

const char* to_string(SendResult::Kind k) {
  switch (k) {
    case SendResult::Kind::kOk:
      return "ok";
    case SendResult::Kind::kRetryAfter:
      return "retry_after";
    case SendResult::Kind::kTransient:
      return "transient";
    case SendResult::Kind::kUnknown:
      return "unknown";
    case SendResult::Kind::kParseEntities:
      return "parse_entities";
    case SendResult::Kind::kBadMarkup:
      return "bad_markup";
    case SendResult::Kind::kForbidden:
      return "forbidden";
    case SendResult::Kind::kMigrated:
      return "migrated";
    case SendResult::Kind::kRejected:
      return "rejected";
  }
  return "unknown";
}

}  // namespace reviewbot::platform
