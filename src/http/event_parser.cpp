#include "reviewbot/http/event_parser.h"

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reviewbot/core/links.h"
#include "reviewbot/core/text_rules.h"
#include "reviewbot/http/rfc3339.h"

namespace reviewbot::http {
namespace {

// How far ahead of this server's clock an occurred_at may be.
constexpr core::Duration kMaxClockAhead = std::chrono::hours(24);

using nlohmann::json;

FieldError missing(const std::string& field) { return {field + " is required", field}; }

// The member `name` of `obj`, or nullptr when absent or null.
const json* member(const json& obj, const char* name) {
  const auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// Reads an optional string member into `out`. Error when present and not a string, or
// (with non_empty) empty, or longer than max_bytes.
std::optional<FieldError> read_string(const json& obj, const char* name, const std::string& path,
                                      std::optional<std::string>& out, bool non_empty,
                                      std::size_t max_bytes) {
  const json* v = member(obj, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) return FieldError{path + " must be a string", path};
  const auto& s = v->get_ref<const std::string&>();
  if (non_empty && s.empty()) return FieldError{path + " must not be empty", path};
  if (s.size() > max_bytes) {
    return FieldError{path + " must be at most " + std::to_string(max_bytes) + " bytes", path};
  }
  out = s;
  return std::nullopt;
}

std::optional<FieldError> read_customer(const json& body, bool required,
                                        core::TransactionEvent& event) {
  const json* customer = member(body, "customer");
  if (customer == nullptr) {
    if (required) return missing("customer");
    return std::nullopt;
  }
  if (!customer->is_object()) return FieldError{"customer must be an object", "customer"};

  if (const json* chat = member(*customer, "telegram_chat_id")) {
    const FieldError bad{
        "customer.telegram_chat_id must be a private chat's id: an integer "
        "from 1 to 9223372036854775807",
        "customer.telegram_chat_id"};
    // Above 2^63-1 the JSON number is unsigned and would wrap to another chat.
    if (!chat->is_number_integer() ||
        (chat->is_number_unsigned() && chat->get<uint64_t>() > uint64_t{INT64_MAX})) {
      return bad;
    }
    const auto id = chat->get<core::ChatId>();
    if (id <= 0) return bad;  // groups and channels never get review requests
    event.telegram_chat_id = id;
  }
  std::optional<std::string> text;
  if (auto e = read_string(*customer, "external_id", "customer.external_id", text, true,
                           core::kMaxLinkExternalIdBytes)) {
    e->error += " (the longest a deep link can carry)";
    return e;
  }
  event.external_id = text;
  text.reset();
  if (auto e = read_string(*customer, "name", "customer.name", text, false, kMaxEventTextBytes)) {
    return e;
  }
  event.customer_name = core::clean_name(text.value_or(""));
  text.reset();
  if (auto e = read_string(*customer, "locale", "customer.locale", text, false, 35)) return e;
  event.locale = text.value_or("");

  if (required && !event.telegram_chat_id && !event.external_id) {
    return FieldError{"customer needs telegram_chat_id or external_id", "customer"};
  }
  return std::nullopt;
}

std::optional<FieldError> read_items(const json& transaction, core::TransactionEvent& event) {
  const json* items = member(transaction, "items");
  if (items == nullptr) return std::nullopt;
  if (!items->is_array())
    return FieldError{"transaction.items must be an array", "transaction.items"};
  if (items->size() > kMaxEventItems) {
    return FieldError{
        "transaction.items must have at most " + std::to_string(kMaxEventItems) + " entries",
        "transaction.items"};
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = "transaction.items[" + std::to_string(i) + "]";
    const json& item = (*items)[i];
    if (!item.is_object()) return FieldError{path + " must be an object", path};
    std::optional<std::string> name, category;
    if (auto e = read_string(item, "name", path + ".name", name, true, kMaxEventTextBytes))
      return e;
    if (!name) return missing(path + ".name");
    if (auto e = read_string(item, "category", path + ".category", category, false,
                             kMaxEventTextBytes)) {
      return e;
    }
    event.items.push_back(core::TransactionItem{core::clean_name(*name), category.value_or("")});
  }
  return std::nullopt;
}

std::optional<FieldError> read_transaction(const json& body, core::TransactionEvent& event) {
  const json* transaction = member(body, "transaction");
  if (transaction == nullptr) return missing("transaction");
  if (!transaction->is_object()) return FieldError{"transaction must be an object", "transaction"};

  std::optional<std::string> text;
  if (auto e = read_string(*transaction, "id", "transaction.id", text, true, kMaxEventTextBytes)) {
    return e;
  }
  if (!text) return missing("transaction.id");
  event.transaction_id = *text;

  if (const json* amount = member(*transaction, "amount")) {
    if (!amount->is_number()) {
      return FieldError{"transaction.amount must be a number", "transaction.amount"};
    }
    const double value = amount->get<double>();
    if (!std::isfinite(value) || value < 0) {
      return FieldError{"transaction.amount must be >= 0", "transaction.amount"};
    }
    event.amount = value;
  }

  text.reset();
  if (auto e = read_string(*transaction, "currency", "transaction.currency", text, false, 3)) {
    return e;
  }
  if (text) {
    std::string currency = *text;
    bool letters = currency.size() == 3;
    for (char& c : currency) {
      letters = letters && std::isalpha(static_cast<unsigned char>(c));
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (!letters) {
      return FieldError{"transaction.currency must be a 3-letter code", "transaction.currency"};
    }
    event.currency = currency;
  }
  return read_items(*transaction, event);
}

EventParseResult parse_object(const json& body, core::Time received_at) {
  if (!body.is_object()) return FieldError{"body must be a JSON object", ""};
  core::TransactionEvent event;

  std::optional<std::string> text;
  if (auto e = read_string(body, "id", "id", text, true, kMaxEventIdBytes)) return *e;
  if (!text) return missing("id");
  event.id = *text;

  const json* type = member(body, "type");
  if (type == nullptr) return missing("type");
  const auto parsed_type = type->is_string()
                               ? core::transaction_type_from_string(type->get<std::string>())
                               : std::nullopt;
  if (!parsed_type) {
    return FieldError{
        "type must be transaction.completed, transaction.refunded or transaction.cancelled",
        "type"};
  }
  event.type = *parsed_type;
  const bool completed = event.type == core::TransactionEvent::Type::kCompleted;

  const json* occurred = member(body, "occurred_at");
  if (occurred == nullptr) {
    if (completed) return missing("occurred_at");
    event.occurred_at = received_at;
  } else {
    const auto t =
        occurred->is_string() ? parse_rfc3339(occurred->get<std::string>()) : std::nullopt;
    if (!t) {
      return FieldError{"occurred_at must be an RFC 3339 time such as 2026-11-22T10:00:00Z",
                        "occurred_at"};
    }
    // A till's clock may be off by minutes, not by a day: a later time is a wrong field
    // (which would also dodge MAX_EVENT_AGE).
    if (*t > received_at + kMaxClockAhead) {
      return FieldError{"occurred_at is more than 24 hours ahead of this server's clock (" +
                            format_rfc3339(received_at) + ")",
                        "occurred_at"};
    }
    event.occurred_at = *t;
  }

  if (auto e = read_customer(body, completed, event)) return *e;
  if (auto e = read_transaction(body, event)) return *e;
  return event;
}

}  // namespace

EventParseResult parse_event(std::string_view body, core::Time received_at) {
  json parsed;
  try {
    parsed = json::parse(body.begin(), body.end());
  } catch (const json::exception&) {
    return FieldError{"body is not valid JSON", ""};
  }
  return parse_object(parsed, received_at);
}

}  // namespace reviewbot::http
