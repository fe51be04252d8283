#include "load/json_client.h"

namespace load {
namespace {

JsonResponse to_response(const httplib::Result& result) {
  JsonResponse out;
  if (!result) {
    out.error = httplib::to_string(result.error());
    return out;
  }
  out.status = result->status;
  if (result->body.empty()) return out;
  out.body = nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (out.body.is_discarded()) {
    out.body = nullptr;
    out.error = "not JSON: " + result->body.substr(0, 200);
  }
  return out;
}

}  // namespace

std::string JsonResponse::describe() const {
  if (status == 0) return "transport error: " + error;
  std::string text = "HTTP " + std::to_string(status);
  if (!body.is_null()) text += " " + body.dump();
  if (!error.empty()) text += " (" + error + ")";
  return text;
}

JsonClient::JsonClient(const std::string& base_url, const std::string& bearer, int timeout_s)
    : client_(base_url) {
  client_.set_keep_alive(true);
  client_.set_tcp_nodelay(true);
  client_.set_connection_timeout(timeout_s);
  client_.set_read_timeout(timeout_s);
  client_.set_write_timeout(timeout_s);
  if (!bearer.empty()) client_.set_bearer_token_auth(bearer);
}

JsonResponse JsonClient::get(const std::string& path) { return to_response(client_.Get(path)); }

JsonResponse JsonClient::post(const std::string& path, const nlohmann::json& body) {
  return to_response(client_.Post(path, body.dump(), "application/json"));
}

}  // namespace load
