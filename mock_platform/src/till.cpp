#include "mock_platform/till.h"

#include <httplib.h>

#include <ctime>

#include "mock_platform/webhook_deliverer.h"

namespace mock_platform {

namespace {

constexpr std::size_t kMaxTextField = 200;

ControlReply error_reply(int status, std::string message) {
  return {status, {{"error", std::move(message)}}};
}

std::string utc_rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Reads an optional non-empty string field into `out`; false when present but invalid.
bool read_text(const nlohmann::json& j, const char* name, std::string& out) {
  if (!j.contains(name) || j[name].is_null()) return true;
  if (!j[name].is_string()) return false;
  auto s = j[name].get<std::string>();
  if (s.empty() || s.size() > kMaxTextField) return false;
  out = std::move(s);
  return true;
}

ApiError invalid(std::string what) { return {400, std::move(what), {}}; }

Result<Sale> parse_sale(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return invalid("body must be a JSON object");
  Sale sale;
  if (!j.contains("user_id") || !j["user_id"].is_number_integer()) {
    return invalid("\"user_id\" (an integer) is required");
  }
  sale.user_id = j["user_id"].get<std::int64_t>();
  if (j.contains("amount") && !j["amount"].is_null()) {
    if (!j["amount"].is_number() || j["amount"].get<double>() < 0) {
      return invalid("\"amount\" must be a number >= 0");
    }
    sale.amount = j["amount"].get<double>();
  }
  if (!read_text(j, "item", sale.item)) return invalid("\"item\" must be 1-200 characters");
  if (!read_text(j, "category", sale.category)) {
    return invalid("\"category\" must be 1-200 characters");
  }
  if (!read_text(j, "currency", sale.currency)) {
    return invalid("\"currency\" must be 1-200 characters");
  }
  return sale;
}

}  // namespace

nlohmann::json sale_event(const Sale& sale, const nlohmann::json& user, const std::string& id,
                          const std::string& occurred_at) {
  nlohmann::json customer = {{"telegram_chat_id", sale.user_id}};
  if (user.contains("first_name")) customer["name"] = user["first_name"];
  if (user.contains("language_code")) customer["locale"] = user["language_code"];
  return {{"id", id},
          {"type", "transaction.completed"},
          {"occurred_at", occurred_at},
          {"customer", customer},
          {"transaction",
           {{"id", "T-" + id},
            {"amount", sale.amount},
            {"currency", sale.currency},
            {"items", {{{"name", sale.item}, {"category", sale.category}}}}}}};
}

Till::Till(Bot& bot, TillOptions options) : bot_(bot), options_(std::move(options)) {}

std::string Till::next_event_id() {
  // Unique across restarts of the simulator against the same reviewbot database.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return "till-" + std::to_string(ms) + "-" + std::to_string(++sequence_);
}

ControlReply Till::complete_sale(std::string_view body) {
  auto sale = parse_sale(body);
  if (!sale) return error_reply(400, sale.error().description);
  auto transcript = bot_.transcript(sale->user_id);
  if (!transcript) return error_reply(404, "no customer " + std::to_string(sale->user_id));

  const auto url = parse_webhook_url(options_.reviewbot_url);
  if (!url) return error_reply(500, "bad reviewbot URL " + options_.reviewbot_url);
  std::string path = url->path;
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += "/v1/events";

  const auto event = sale_event(*sale, (*transcript)["user"], next_event_id(),
                                utc_rfc3339(std::chrono::system_clock::now()));
  httplib::Client client(url->scheme_host_port);
  client.set_connection_timeout(options_.timeout);
  client.set_read_timeout(options_.timeout);
  client.set_write_timeout(options_.timeout);
  httplib::Headers headers;
  if (!options_.admin_token.empty()) {
    headers.emplace("Authorization", "Bearer " + options_.admin_token);
  }
  auto res = client.Post(path, headers, event.dump(), "application/json");
  if (!res) {
    return error_reply(502, "reviewbot at " + options_.reviewbot_url +
                                " did not answer: " + httplib::to_string(res.error()));
  }
  auto answer = nlohmann::json::parse(res->body, nullptr, false);
  if (answer.is_discarded()) answer = res->body;
  return {res->status, {{"status", res->status}, {"body", answer}, {"event", event}}};
}

}  // namespace mock_platform
