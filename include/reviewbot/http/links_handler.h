// POST /v1/links as a plain function: {"external_id": "C-77"} → a signed /start
// parameter and the t.me deep link that carries it. Stateless; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "reviewbot/core/result.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/http/route.h"

namespace reviewbot::http {

// core::make_start_parameter in production.
using StartParameterMaker = std::function<core::Result<std::string>(
    const std::string& secret, const std::string& external_id)>;

// 200 {"start_parameter": p, "url": "https://t.me/<bot_username>?start=<p>"}; "url" is null
// while the bot's username is unknown. 400 {"error","field":"external_id"} when the body is
// not an object with a non-empty external_id string of at most
// core::kMaxLinkExternalIdBytes bytes (or "" field when the body is not JSON).
Reply handle_link(std::string_view body, std::string_view bot_username,
                  const std::string& link_secret, const StartParameterMaker& make);

// POST /v1/links: Access::kAdmin. `bot_username` may be empty (no "url" then);
// `link_secret` signs the parameters.
Route links_route(std::string bot_username, std::string link_secret, StartParameterMaker make);

}  // namespace reviewbot::http
