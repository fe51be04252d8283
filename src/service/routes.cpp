#include "reviewbot/service/routes.h"

#include "reviewbot/admin/dashboard.h"
#include "reviewbot/admin/desk.h"
#include "reviewbot/admin/metrics_handler.h"
#include "reviewbot/admin/reviews_handler.h"
#include "reviewbot/admin/stats_handler.h"
#include "reviewbot/core/links.h"
#include "reviewbot/http/events_handler.h"
#include "reviewbot/platform/telegram/update_parser.h"

namespace reviewbot::service {

http::Routes service_routes(RouteSources sources) {
  http::Routes routes;
  http::SubmitFn submit = sources.submit ? sources.submit : http::submit_via(sources.accept);
  routes.push_back(http::webhook_route(std::move(sources.parse_update), submit));
  routes.push_back(http::events_route(sources.clock, std::move(submit)));
  routes.push_back(http::links_route(sources.bot_username, sources.link_secret,
                                     std::move(sources.make_start_parameter)));
  routes.push_back(admin::reviews_route(sources.store));
  routes.push_back(admin::stats_route(sources.store));
  http::add_routes(routes, http::health_routes(std::move(sources.readiness)));
  routes.push_back(admin::metrics_route(sources.metrics));  // the dashboard shows it too
  if (sources.owner_login != nullptr && sources.desk != nullptr) {
    http::add_routes(
        routes, admin::desk_routes(admin::DeskSources{
                    sources.store, *sources.desk,
                    admin::PageGuard(*sources.owner_login, sources.clock, sources.business_name),
                    sources.accept, sources.templates, sources.business_name, sources.bot_username,
                    sources.link_secret, sources.owner_chat_id}));
    http::add_routes(routes, admin::dashboard_routes(admin::DashboardSources{
                                 sources.store, *sources.desk, *sources.owner_login, sources.clock,
                                 std::move(sources.metrics), std::move(sources.business_name)}));
  }
  return routes;
}

http::UpdateParser telegram_update_parser() {
  return [](std::string_view json) { return platform::telegram::parse_update(json); };
}

http::StartParameterMaker signed_start_parameters() {
  return [](const std::string& secret, const std::string& external_id) {
    return core::make_start_parameter(secret, external_id);
  };
}

}  // namespace reviewbot::service
