// GET /healthz (the process answers) and GET /readyz (its dependencies do). Readiness is
// a callback the service wires (database ping, templates loaded); it must be cheap and
// thread-safe.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"

namespace reviewbot::http {

struct Readiness {
  std::vector<std::pair<std::string, bool>> checks;  // name → passing, e.g. {"database", true}
  bool ready() const;                                // every check passes
};
using ReadinessFn = std::function<Readiness()>;

// 200 {"status":"ok"}
Reply handle_healthz();

// 200 {"status":"ready","checks":{"database":"ok",...}} or
// 503 {"status":"not_ready","checks":{"database":"failing",...}}. An empty callback
// counts as ready with no checks; an exception from it counts as not ready.
Reply handle_readyz(const ReadinessFn& readiness);

// GET /healthz and GET /readyz, Access::kPublic. While the server drains, /readyz adds a
// failing "accepting" check to the others.
Routes health_routes(ReadinessFn readiness);

}  // namespace reviewbot::http
