#include "reviewbot/http/links_handler.h"

#include <nlohmann/json.hpp>

#include "reviewbot/core/links.h"

namespace reviewbot::http {

Reply handle_link(std::string_view body, std::string_view bot_username,
                  const std::string& link_secret, const StartParameterMaker& make) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception&) {
    return field_error_reply({"body is not valid JSON", ""});
  }
  if (!parsed.is_object()) return field_error_reply({"body must be a JSON object", ""});
  const auto it = parsed.find("external_id");
  if (it == parsed.end() || it->is_null()) {
    return field_error_reply({"external_id is required", "external_id"});
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return field_error_reply({"external_id must be a non-empty string", "external_id"});
  }
  const auto& external_id = it->get_ref<const std::string&>();
  if (external_id.size() > core::kMaxLinkExternalIdBytes) {
    return field_error_reply(
        {"external_id must be at most " + std::to_string(core::kMaxLinkExternalIdBytes) + " bytes",
         "external_id"});
  }
  auto parameter = make(link_secret, external_id);
  if (!parameter) return field_error_reply({parameter.error().message, "external_id"});

  nlohmann::json reply = {{"start_parameter", *parameter}, {"url", nullptr}};
  if (!bot_username.empty()) {
    reply["url"] = "https://t.me/" + std::string(bot_username) + "?start=" + *parameter;
  }
  return json_reply(200, reply);
}

Route links_route(std::string bot_username, std::string link_secret, StartParameterMaker make) {
  return Route{Route::Method::kPost, "/v1/links", Access::kAdmin, false,
               [bot_username = std::move(bot_username), link_secret = std::move(link_secret),
                make = std::move(make)](const Request& req) {
                 return handle_link(req.body, bot_username, link_secret, make);
               }};
}

}  // namespace reviewbot::http
