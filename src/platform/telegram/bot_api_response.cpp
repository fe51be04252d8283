#include "reviewbot/platform/telegram/bot_api_response.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace reviewbot::platform::telegram {
namespace {

using nlohmann::json;
using Kind = SendResult::Kind;

constexpr std::size_t kMaxBodySnippet = 200;
constexpr core::Duration kDefaultRetryAfter = std::chrono::seconds(1);

std::optional<int64_t> int_at(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return it->get<int64_t>();
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// Telegram words keyboard problems in several ways: "BUTTON_DATA_INVALID",
// "reply markup is too long", "can't parse inline keyboard button: ...".
bool is_markup_problem(const std::string& lower) {
  return contains(lower, "button") || contains(lower, "keyboard") ||
         contains(lower, "reply markup") || contains(lower, "reply_markup");
}

// A body that is not a Bot API answer (a proxy page, an empty reply): status alone decides,
// and a 4xx from something that is not Telegram says nothing about the customer.
SendResult classify_foreign_body(long http_status, std::string_view body) {
  SendResult r;
  r.http_status = static_cast<int>(http_status);
  r.description =
      "HTTP " + std::to_string(http_status) + ": " + std::string(body.substr(0, kMaxBodySnippet));
  if (http_status == 429) {
    r.kind = Kind::kRetryAfter;
    r.retry_after = kDefaultRetryAfter;
  } else if (http_status >= 500) {
    r.kind = Kind::kTransient;
  } else if (http_status >= 300) {
    r.kind = Kind::kRejected;  // redirects and 4xx: a misconfigured api_url, not a customer
  } else {
    r.kind = Kind::kUnknown;  // 2xx (or nothing) we cannot read: it may have worked
  }
  return r;
}

}  // namespace

SendResult classify_response(long http_status, std::string_view body) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
    return classify_foreign_body(http_status, body);
  }

  SendResult r;
  r.http_status = static_cast<int>(http_status);
  if (j["ok"].get<bool>()) {
    r.kind = Kind::kOk;
    if (auto it = j.find("result"); it != j.end()) r.message_id = int_at(*it, "message_id");
    return r;
  }

  long code = http_status;
  if (code == 0 || (code >= 200 && code < 300)) code = int_at(j, "error_code").value_or(0);
  if (auto it = j.find("description"); it != j.end() && it->is_string()) {
    r.description = it->get<std::string>();
  }
  const json parameters = j.value("parameters", json::object());
  const std::string lower = lowercase(r.description);

  if (auto chat = int_at(parameters, "migrate_to_chat_id")) {
    r.kind = Kind::kMigrated;
    r.migrate_to_chat_id = *chat;
  } else if (code == 429 || int_at(parameters, "retry_after")) {
    r.kind = Kind::kRetryAfter;
    const auto seconds = int_at(parameters, "retry_after");
    r.retry_after = seconds && *seconds > 0 ? core::Duration(std::chrono::seconds(*seconds))
                                            : kDefaultRetryAfter;
  } else if (code >= 500) {
    r.kind = Kind::kTransient;
  } else if (code == 400 && contains(lower, "message is not modified")) {
    r.kind = Kind::kOk;
  } else if (code == 400 && contains(lower, "can't parse entities")) {
    r.kind = Kind::kParseEntities;
  } else if (code == 400 && is_markup_problem(lower)) {
    r.kind = Kind::kBadMarkup;
  } else if (code == 403) {
    r.kind = Kind::kForbidden;
  } else if (code >= 400 && code < 500) {
    r.kind = Kind::kRejected;
  } else {
    r.kind = Kind::kUnknown;  // ok:false without a usable error code
  }
  return r;
}

SendResult classify_transport_error(CURLcode code, bool request_started, std::string_view detail) {
  SendResult r;
  r.description = std::string("network error: ") + curl_easy_strerror(code);
  if (!detail.empty()) r.description += std::string(" (") + std::string(detail) + ")";

  switch (code) {
    // Nothing reached the Bot API: the connection never carried a request.
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      r.kind = Kind::kTransient;
      break;
    default:
      r.kind = request_started ? Kind::kUnknown : Kind::kTransient;
      break;
  }
  return r;
}

}  // namespace reviewbot::platform::telegram
