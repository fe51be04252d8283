#include "reviewbot/http/health_handler.h"

#include <exception>

namespace reviewbot::http {

bool Readiness::ready() const {
  for (const auto& check : checks) {
    if (!check.second) return false;
  }
  return true;
}

Reply handle_healthz() { return json_reply(200, {{"status", "ok"}}); }

Reply handle_readyz(const ReadinessFn& readiness) {
  Readiness state;
  bool failed = false;
  if (readiness) {
    try {
      state = readiness();
    } catch (const std::exception&) {
      failed = true;
    }
  }
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& [name, ok] : state.checks) checks[name] = ok ? "ok" : "failing";
  const bool ready = !failed && state.ready();
  return json_reply(ready ? 200 : 503,
                    {{"status", ready ? "ready" : "not_ready"}, {"checks", checks}});
}

Routes health_routes(ReadinessFn readiness) {
  Route healthz{Route::Method::kGet, "/healthz", Access::kPublic, false,
                [](const Request&) { return handle_healthz(); }};
  Route readyz{Route::Method::kGet, "/readyz", Access::kPublic, false,
               [readiness = std::move(readiness)](const Request& req) {
                 if (!req.server.draining()) return handle_readyz(readiness);
                 return handle_readyz([&readiness] {
                   Readiness state = readiness ? readiness() : Readiness{};
                   state.checks.emplace_back("accepting", false);
                   return state;
                 });
               }};
  return {std::move(healthz), std::move(readyz)};
}

}  // namespace reviewbot::http
