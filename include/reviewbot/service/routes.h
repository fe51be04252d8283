// The service's route table: every module's routes (http: webhook, events, links, health;
// admin: reviews, stats, metrics, the dashboard and its desk) assembled from what the running
// service provides. The HttpServer serves it; main and the server tests build it the same way.
#pragma once

#include <string>

#include "reviewbot/admin/metrics.h"
#include "reviewbot/admin/owner_login.h"
#include "reviewbot/core/clock.h"
#include "reviewbot/core/templates.h"
#include "reviewbot/http/accept.h"
#include "reviewbot/http/health_handler.h"
#include "reviewbot/http/links_handler.h"
#include "reviewbot/http/route.h"
#include "reviewbot/http/webhook_handler.h"
#include "reviewbot/store/owner_desk.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::service {

// All references must outlive the routes.
struct RouteSources {
  store::OwnerReads& store;  // the owner's reads (reviews, stats)
  const core::Clock& clock;  // default occurred_at of refunds
  http::AcceptFn accept;     // durable intake (owner replies on the desk)
  // Durable intake of webhook updates and events, answered when durable (submit_through);
  // empty: through `accept`.
  http::SubmitFn submit = {};
  http::UpdateParser parse_update;                 // platform::telegram::parse_update
  http::StartParameterMaker make_start_parameter;  // core::make_start_parameter
  http::ReadinessFn readiness;                     // empty: ready
  admin::MetricsFn metrics = {};                   // empty: HTTP counts only
  std::string bot_username = {};                   // for https://t.me/<bot>?start=... links
  std::string link_secret = {};                    // signs /start parameters
  admin::OwnerLogin* owner_login = nullptr;        // null: no /admin dashboard
  store::OwnerDesk* desk = nullptr;                // the inbox & co.; null: no /admin dashboard
  const core::TemplateSet* templates = nullptr;    // the dashboard's templates page
  std::optional<core::ChatId> owner_chat_id = {};  // OWNER_CHAT_ID, for the alerts page
  std::string business_name = {};                  // shown on the dashboard
};

http::Routes service_routes(RouteSources sources);

// The production parser and link signer (platform::telegram::parse_update,
// core::make_start_parameter) for RouteSources.
http::UpdateParser telegram_update_parser();
http::StartParameterMaker signed_start_parameters();

}  // namespace reviewbot::service
