#include "mock_platform/control_api.h"

#include <optional>

namespace mock_platform {

namespace {

ControlReply error_reply(int status, std::string message) {
  return {status, {{"error", std::move(message)}}};
}

ControlReply error_reply(const ApiError& e) { return error_reply(e.code, e.description); }

// Parses a JSON object body; an empty body is an empty object.
std::optional<nlohmann::json> parse_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return nlohmann::json::object();
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::optional<std::string> string_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) return std::nullopt;
  return j[name].get<std::string>();
}

std::optional<std::int64_t> int_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) return std::nullopt;
  if (j[name].is_number_integer()) return j[name].get<std::int64_t>();
  if (j[name].is_string()) {
    try {
      std::size_t used = 0;
      const auto s = j[name].get<std::string>();
      const auto v = std::stoll(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

nlohmann::json nullable(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

const char* kNotJson = "body must be a JSON object";

}  // namespace

ControlApi::ControlApi(Bot& bot, Stats& stats, FaultInjector& faults)
    : bot_(bot), stats_(stats), faults_(faults) {}

ControlReply ControlApi::create_user(std::string_view body) {
  const auto j = parse_body(body);
  if (!j) return error_reply(400, kNotJson);
  const auto name = string_field(*j, "name").value_or("");
  if (name.empty()) return error_reply(400, "\"name\" is required");
  const auto language = string_field(*j, "language_code").value_or("");
  const bool started = !j->contains("started") || (*j)["started"] != false;
  const auto id = bot_.create_user(name, language, started);
  return {201, {{"user_id", id}}};
}

ControlReply ControlApi::list_users() { return {200, {{"users", bot_.users_json()}}}; }

ControlReply ControlApi::user_message(std::int64_t user_id, std::string_view body) {
  const auto j = parse_body(body);
  if (!j) return error_reply(400, kNotJson);
  const auto text = string_field(*j, "text");
  if (!text) return error_reply(400, "\"text\" is required");
  auto q = bot_.user_message(user_id, *text);
  if (!q) return error_reply(q.error());
  return {201, {{"update_id", nullable(q->update_id)}, {"message_id", q->message_id}}};
}

ControlReply ControlApi::press(std::int64_t user_id, std::string_view body) {
  const auto j = parse_body(body);
  if (!j) return error_reply(400, kNotJson);
  const auto message_id = int_field(*j, "message_id");
  if (!message_id) return error_reply(400, "\"message_id\" is required");
  auto q = bot_.press(user_id, *message_id, string_field(*j, "callback_data"),
                      string_field(*j, "button_text"));
  if (!q) return error_reply(q.error());
  return {201,
          {{"update_id", nullable(q->update_id)}, {"callback_query_id", q->callback_query_id}}};
}

ControlReply ControlApi::set_blocked(std::int64_t user_id, bool blocked, std::string_view body) {
  bool notify = true;
  if (!body.empty()) {
    const auto j = parse_body(body);
    if (!j) return error_reply(400, kNotJson);
    if (j->contains("notify")) {
      if (!(*j)["notify"].is_boolean()) return error_reply(400, "\"notify\" must be a boolean");
      notify = (*j)["notify"].get<bool>();
    }
  }
  auto q = bot_.set_blocked(user_id, blocked, notify);
  if (!q) return error_reply(q.error());
  return {200, {{"update_id", nullable(q->update_id)}, {"blocked", blocked}}};
}

ControlReply ControlApi::connect_business(std::string_view body) {
  const auto j = parse_body(body);
  if (!j) return error_reply(400, kNotJson);
  const auto owner = int_field(*j, "owner_user_id");
  if (!owner) return error_reply(400, "\"owner_user_id\" is required");
  Queued queued;
  auto id = bot_.connect_business(*owner, queued);
  if (!id) return error_reply(id.error());
  return {201, {{"connection_id", *id}, {"update_id", nullable(queued.update_id)}}};
}

ControlReply ControlApi::disconnect_business(const std::string& connection_id) {
  auto q = bot_.disconnect_business(connection_id);
  if (!q) return error_reply(q.error());
  return {200, {{"update_id", nullable(q->update_id)}}};
}

ControlReply ControlApi::business_message(const std::string& connection_id, std::string_view body) {
  const auto j = parse_body(body);
  if (!j) return error_reply(400, kNotJson);
  const auto from = int_field(*j, "from_user_id");
  const auto chat = int_field(*j, "chat_id");
  const auto text = string_field(*j, "text");
  if (!from || !chat || !text) {
    return error_reply(400, "\"from_user_id\", \"chat_id\" and \"text\" are required");
  }
  auto q = bot_.business_message(connection_id, *from, *chat, *text);
  if (!q) return error_reply(q.error());
  return {201, {{"update_id", nullable(q->update_id)}, {"message_id", q->message_id}}};
}

ControlReply ControlApi::chat(std::int64_t chat_id) {
  auto t = bot_.transcript(chat_id);
  if (!t) return error_reply(t.error());
  return {200, *t};
}

ControlReply ControlApi::stats() { return {200, stats_.to_json()}; }

ControlReply ControlApi::add_fault(std::string_view body) {
  const auto j = parse_body(body);
  if (!j) return error_reply(400, kNotJson);
  auto rule = parse_fault_rule(*j);
  if (!rule) return error_reply(rule.error());
  faults_.add(std::move(rule).value());
  return {201, {{"faults", faults_.to_json()}}};
}

ControlReply ControlApi::clear_faults() {
  faults_.clear();
  return {200, {{"faults", nlohmann::json::array()}}};
}

ControlReply ControlApi::list_faults() { return {200, {{"faults", faults_.to_json()}}}; }

}  // namespace mock_platform
