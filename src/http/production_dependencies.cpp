#include "reviewbot/core/links.h"
#include "reviewbot/http/server.h"
#include "reviewbot/platform/telegram/update_parser.h"

namespace reviewbot::http {

ServerDependencies production_dependencies(store::Intake& intake, store::OwnerReads& store,
                                           const core::Clock& clock, ReadinessFn readiness,
                                           std::function<void()> after_commit) {
  return ServerDependencies{
      store,
      clock,
      accept_through(intake, std::move(after_commit)),
      [](std::string_view json) { return platform::telegram::parse_update(json); },
      [](const std::string& secret, const std::string& external_id) {
        return core::make_start_parameter(secret, external_id);
      },
      std::move(readiness)};
}

}  // namespace reviewbot::http
