#include "reviewbot/platform/telegram/bot_api_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <utility>

#include "reviewbot/platform/telegram/bot_api_response.h"

namespace reviewbot::platform::telegram {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxResponseBytes = 32u << 20;  // far above any Bot API answer
constexpr std::size_t kMaxBodySnippet = 200;
constexpr const char* kRedacted = "<redacted>";

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (body->size() + n > kMaxResponseBytes) return 0;  // aborts with CURLE_WRITE_ERROR
  try {
    body->append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

// Runs once the connection is ready and just before the request goes out on it.
// libcurl's progress callback: a non-zero answer aborts the transfer.
int abort_if_cancelled(void* cancelled, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancelled)->load() ? 1 : 0;
}

int mark_request_started(void* user, char*, char*, int, int) {
  *static_cast<bool*>(user) = true;
  return CURL_PREREQFUNC_OK;
}

std::string dump(const json& j) {
  // Replace invalid UTF-8 from user text instead of throwing.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json inline_keyboard(const core::Keyboard& keyboard) {
  json rows = json::array();
  for (const auto& row : keyboard) {
    json buttons = json::array();
    for (const auto& b : row) {
      if (!b.url.empty()) {
        buttons.push_back({{"text", b.text}, {"url", b.url}});
      } else {
        buttons.push_back({{"text", b.text}, {"callback_data", b.callback_data}});
      }
    }
    rows.push_back(std::move(buttons));
  }
  return {{"inline_keyboard", std::move(rows)}};
}

void put_common(json& p, bool html, const std::optional<std::string>& connection) {
  if (html) p["parse_mode"] = "HTML";
  if (connection) p["business_connection_id"] = *connection;
}

// The Bot API method and its parameters for one outgoing message.
std::pair<std::string, json> to_request(const core::MessageBody& body) {
  return std::visit(
      [](const auto& m) -> std::pair<std::string, json> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, core::SendText>) {
          json p = {{"chat_id", m.chat_id}, {"text", m.text}};
          put_common(p, m.html, m.business_connection_id);
          if (!m.keyboard.empty()) p["reply_markup"] = inline_keyboard(m.keyboard);
          return {"sendMessage", std::move(p)};
        } else if constexpr (std::is_same_v<T, core::EditText>) {
          json p = {{"chat_id", m.chat_id}, {"message_id", m.message_id}, {"text", m.text}};
          put_common(p, m.html, m.business_connection_id);
          p["reply_markup"] = inline_keyboard({});
          return {"editMessageText", std::move(p)};
        } else if constexpr (std::is_same_v<T, core::RemoveKeyboard>) {
          json p = {{"chat_id", m.chat_id}, {"message_id", m.message_id}};
          put_common(p, false, m.business_connection_id);
          p["reply_markup"] = inline_keyboard({});
          return {"editMessageReplyMarkup", std::move(p)};
        } else {
          static_assert(std::is_same_v<T, core::AnswerCallback>);
          json p = {{"callback_query_id", m.callback_query_id}};
          if (!m.text.empty()) p["text"] = m.text;
          return {"answerCallbackQuery", std::move(p)};
        }
      },
      body);
}

}  // namespace

struct BotApiClient::Answer {
  CURLcode code = CURLE_OK;
  bool request_started = false;
  long http_status = 0;
  std::string body;
  std::string error_detail;  // curl's error buffer, redacted
};

core::Status BotApiClient::global_init() {
  const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return core::Error{std::string("curl_global_init failed: ") + curl_easy_strerror(code)};
  }
  return core::ok_status();
}

BotApiClient::BotApiClient(BotApiOptions options) : options_(std::move(options)) {
  std::string base = options_.api_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  url_prefix_ = base + "/bot" + options_.token + "/";

  curl_ = curl_easy_init();
  if (curl_ == nullptr) return;  // every call then reports CURLE_FAILED_INIT
  headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response_body_);
  curl_easy_setopt(curl_, CURLOPT_PREREQFUNCTION, &mark_request_started);
  curl_easy_setopt(curl_, CURLOPT_PREREQDATA, &request_started_);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_buffer_);
  curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &abort_if_cancelled);
  curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &cancelled_);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl_, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, "reviewbot");
}

BotApiClient::~BotApiClient() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
  curl_slist_free_all(headers_);
}

std::string BotApiClient::redact(std::string text) const {
  const std::string& secret = options_.token;
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + std::char_traits<char>::length(kRedacted))) {
    text.replace(pos, secret.size(), kRedacted);
  }
  return text;
}

BotApiClient::Answer BotApiClient::call(const std::string& method, const std::string& json_body,
                                        std::chrono::milliseconds timeout) {
  Answer answer;
  if (curl_ == nullptr) {
    answer.code = CURLE_FAILED_INIT;
    return answer;
  }
  if (cancelled_.load()) {
    answer.code = CURLE_ABORTED_BY_CALLBACK;
    answer.error_detail = "cancelled";
    return answer;
  }
  request_body_ = json_body;
  response_body_.clear();
  request_started_ = false;
  error_buffer_[0] = '\0';

  const std::string url = url_prefix_ + method;  // curl copies it
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request_body_.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request_body_.size()));
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));

  answer.code = curl_easy_perform(curl_);
  answer.request_started = request_started_;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer.http_status);
  answer.body = std::move(response_body_);
  response_body_.clear();
  answer.error_detail = redact(error_buffer_);
  return answer;
}

SendResult BotApiClient::to_send_result(const Answer& answer) const {
  SendResult result =
      answer.code != CURLE_OK
          ? classify_transport_error(answer.code, answer.request_started, answer.error_detail)
          : classify_response(answer.http_status, answer.body);
  result.description = redact(std::move(result.description));
  return result;
}

void BotApiClient::cancel() { cancelled_.store(true); }

SendResult BotApiClient::send(const core::MessageBody& body) {
  try {
    auto [method, params] = to_request(body);
    return to_send_result(call(method, dump(params), options_.request_timeout));
  } catch (const std::exception& e) {  // allocation failure or a json bug: never escapes
    SendResult result;
    result.kind = SendResult::Kind::kTransient;
    result.description = redact(std::string("client error: ") + e.what());
    return result;
  }
}

core::Result<json> BotApiClient::call_for_result(const std::string& method, const json& params,
                                                 std::chrono::milliseconds timeout) {
  const Answer answer = call(method, dump(params), timeout);
  if (answer.code != CURLE_OK) {
    const SendResult failure =
        classify_transport_error(answer.code, answer.request_started, answer.error_detail);
    return core::Error{redact(method + ": " + failure.description)};
  }
  const std::string status = "HTTP " + std::to_string(answer.http_status);
  json j = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
    return core::Error{redact(method + " failed (" + status + ", not a Bot API answer): " +
                              answer.body.substr(0, kMaxBodySnippet))};
  }
  if (j["ok"].get<bool>()) return j.contains("result") ? std::move(j["result"]) : json();

  std::string message = method + " failed (" + status + ")";
  if (auto it = j.find("description"); it != j.end() && it->is_string()) {
    message += ": " + it->get<std::string>();
  }
  if (answer.http_status == 409) {
    message += " — another getUpdates poller or a webhook is active for this bot";
  } else if (answer.http_status == 401 || answer.http_status == 404) {
    message += " — check the bot token and the API URL";
  }
  return core::Error{redact(std::move(message))};
}

core::Result<BotInfo> BotApiClient::get_me() {
  try {
    auto result = call_for_result("getMe", json::object(), options_.request_timeout);
    if (!result) return result.error();
    const json& me = result.value();
    if (!me.is_object() || !me.contains("id") || !me["id"].is_number_integer()) {
      return core::Error{"getMe: answer has no bot id"};
    }
    BotInfo info;
    info.id = me["id"].get<int64_t>();
    if (auto it = me.find("username"); it != me.end() && it->is_string()) {
      info.username = it->get<std::string>();
    }
    return info;
  } catch (const std::exception& e) {
    return core::Error{redact(std::string("getMe: client error: ") + e.what())};
  }
}

core::Status BotApiClient::set_webhook(const WebhookSettings& settings) {
  try {
    json params = {{"url", settings.url},
                   {"max_connections", settings.max_connections},
                   {"allowed_updates", settings.allowed_updates},
                   {"drop_pending_updates", settings.drop_pending_updates}};
    if (!settings.secret_token.empty()) params["secret_token"] = settings.secret_token;
    auto result = call_for_result("setWebhook", params, options_.request_timeout);
    if (!result) return result.error();
    return core::ok_status();
  } catch (const std::exception& e) {
    return core::Error{redact(std::string("setWebhook: client error: ") + e.what())};
  }
}

core::Status BotApiClient::delete_webhook() {
  try {
    auto result = call_for_result("deleteWebhook", json::object(), options_.request_timeout);
    if (!result) return result.error();
    return core::ok_status();
  } catch (const std::exception& e) {
    return core::Error{redact(std::string("deleteWebhook: client error: ") + e.what())};
  }
}

core::Result<WebhookInfo> BotApiClient::get_webhook_info() {
  try {
    auto result = call_for_result("getWebhookInfo", json::object(), options_.request_timeout);
    if (!result) return result.error();
    const json& r = result.value();
    if (!r.is_object()) return core::Error{"getWebhookInfo: answer is not an object"};
    WebhookInfo info;
    info.url = r.value("url", "");
    info.pending_update_count = r.value("pending_update_count", int64_t{0});
    info.max_connections = r.value("max_connections", 0);
    if (auto it = r.find("allowed_updates"); it != r.end() && it->is_array()) {
      for (const auto& u : *it) {
        if (u.is_string()) info.allowed_updates.push_back(u.get<std::string>());
      }
    }
    if (auto it = r.find("last_error_date"); it != r.end() && it->is_number_integer()) {
      info.last_error_date = it->get<int64_t>();
    }
    info.last_error_message = r.value("last_error_message", "");
    return info;
  } catch (const std::exception& e) {
    return core::Error{redact(std::string("getWebhookInfo: client error: ") + e.what())};
  }
}

core::Result<std::vector<RawUpdate>> BotApiClient::get_updates(
    int64_t offset, int timeout_seconds, const std::vector<std::string>& allowed) {
  try {
    const int poll_seconds = std::max(timeout_seconds, 0);
    json params = {{"offset", offset}, {"timeout", poll_seconds}};
    // Omitted (not empty) when unset: an empty list would widen to all default types.
    if (!allowed.empty()) params["allowed_updates"] = allowed;
    const auto timeout = options_.request_timeout + std::chrono::seconds(poll_seconds);
    auto result = call_for_result("getUpdates", params, timeout);
    if (!result) return result.error();
    if (!result->is_array()) return core::Error{"getUpdates: result is not an array"};

    std::vector<RawUpdate> updates;
    updates.reserve(result->size());
    for (const json& update : *result) {
      if (!update.is_object() || !update.contains("update_id") ||
          !update["update_id"].is_number_integer()) {
        continue;  // Telegram always sends one; without it there is nothing to acknowledge
      }
      updates.push_back(RawUpdate{update["update_id"].get<int64_t>(), dump(update)});
    }
    return updates;
  } catch (const std::exception& e) {
    return core::Error{redact(std::string("getUpdates: client error: ") + e.what())};
  }
}

}  // namespace reviewbot::platform::telegram
