#include "reviewbot/http/event_parser.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reviewbot/http/rfc3339.h"

using namespace reviewbot;
using nlohmann::json;

namespace {

const core::Time kReceived = *http::parse_rfc3339("2026-11-23T00:00:00Z");

json valid_event() {
  return json::parse(R"({"id": "evt-1", "type": "transaction.completed",
    "occurred_at": "2026-11-22T10:00:00Z",
    "customer": {"telegram_chat_id": 1001, "external_id": "C-77", "name": "Ann", "locale": "en"},
    "transaction": {"id": "T-1", "amount": 42.5, "currency": "usd",
                    "items": [{"name": "Latte", "category": "coffee"}, {"name": "Bun"}]}})");
}

// The field named when `body` is refused (fails the test when it is accepted).
std::string refused_field(const json& body) {
  auto result = http::parse_event(body.dump(), kReceived);
  REQUIRE_FALSE(result.ok());
  return result.error().field;
}

}  // namespace

TEST_CASE("a complete event parses into a TransactionEvent", "[event_parser]") {
  auto result = http::parse_event(valid_event().dump(), kReceived);
  REQUIRE(result.ok());
  const auto& e = result.value();
  CHECK(e.id == "evt-1");
  CHECK(e.type == core::TransactionEvent::Type::kCompleted);
  CHECK(e.occurred_at == *http::parse_rfc3339("2026-11-22T10:00:00Z"));
  CHECK(e.telegram_chat_id == 1001);
  CHECK(e.external_id == std::optional<std::string>("C-77"));
  CHECK(e.customer_name == "Ann");
  CHECK(e.locale == "en");
  CHECK(e.transaction_id == "T-1");
  CHECK(e.amount == 42.5);
  CHECK(e.currency == "USD");
  REQUIRE(e.items.size() == 2);
  CHECK(e.items[0].category == "coffee");
  CHECK(e.items[1].name == "Bun");
  CHECK(e.items[1].category.empty());
}

TEST_CASE("each missing or mistyped field is refused with its dotted path", "[event_parser]") {
  json e = valid_event();
  SECTION("id") {
    e.erase("id");
    CHECK(refused_field(e) == "id");
    e["id"] = 5;
    CHECK(refused_field(e) == "id");
    e["id"] = "";
    CHECK(refused_field(e) == "id");
    e["id"] = std::string(201, 'x');
    CHECK(refused_field(e) == "id");
  }
  SECTION("type") {
    e["type"] = "transaction.exploded";
    CHECK(refused_field(e) == "type");
    e.erase("type");
    CHECK(refused_field(e) == "type");
  }
  SECTION("occurred_at") {
    e["occurred_at"] = "2026-11-22 10:00";
    CHECK(refused_field(e) == "occurred_at");
    e["occurred_at"] = 1700000000;
    CHECK(refused_field(e) == "occurred_at");
    e.erase("occurred_at");
    CHECK(refused_field(e) == "occurred_at");
    e["occurred_at"] = "2026-11-24T00:00:01Z";  // a day and a second after kReceived
    CHECK(refused_field(e) == "occurred_at");
    e["occurred_at"] = "2026-11-23T23:00:00Z";  // a till's clock a little ahead is fine
    CHECK(http::parse_event(e.dump(), kReceived).ok());
  }
  SECTION("customer") {
    e["customer"] = "Ann";
    CHECK(refused_field(e) == "customer");
    e.erase("customer");
    CHECK(refused_field(e) == "customer");
    e["customer"] = {{"name", "Ann"}};
    CHECK(refused_field(e) == "customer");
  }
  SECTION("customer fields") {
    e["customer"]["telegram_chat_id"] = "1001";
    CHECK(refused_field(e) == "customer.telegram_chat_id");
    e["customer"]["telegram_chat_id"] = 10.5;
    CHECK(refused_field(e) == "customer.telegram_chat_id");
    e["customer"]["telegram_chat_id"] = 1001;
    e["customer"]["external_id"] = 77;
    CHECK(refused_field(e) == "customer.external_id");
    e["customer"]["external_id"] = "C-77";
    e["customer"]["name"] = json::array();
    CHECK(refused_field(e) == "customer.name");
    e["customer"]["name"] = "Ann";
    e["customer"]["locale"] = false;
    CHECK(refused_field(e) == "customer.locale");
  }
  SECTION("transaction") {
    e["transaction"] = 1;
    CHECK(refused_field(e) == "transaction");
    e["transaction"] = {{"amount", 1}};
    CHECK(refused_field(e) == "transaction.id");
    e["transaction"] = {{"id", 7}};
    CHECK(refused_field(e) == "transaction.id");
  }
  SECTION("transaction fields") {
    e["transaction"]["amount"] = "42";
    CHECK(refused_field(e) == "transaction.amount");
    e["transaction"]["amount"] = -1;
    CHECK(refused_field(e) == "transaction.amount");
    e["transaction"]["amount"] = 0;
    e["transaction"]["currency"] = "US";
    CHECK(refused_field(e) == "transaction.currency");
    e["transaction"]["currency"] = "U5D";
    CHECK(refused_field(e) == "transaction.currency");
    e["transaction"]["currency"] = "EUR";
    e["transaction"]["items"] = {{"name", "Latte"}};
    CHECK(refused_field(e) == "transaction.items");
    e["transaction"]["items"] = json::array({{{"name", "Latte"}}, {{"category", "coffee"}}});
    CHECK(refused_field(e) == "transaction.items[1].name");
    e["transaction"]["items"] = json::array({{{"name", "Latte"}, {"category", 3}}});
    CHECK(refused_field(e) == "transaction.items[0].category");
    e["transaction"]["items"] = json::array({"Latte"});
    CHECK(refused_field(e) == "transaction.items[0]");
    json many = json::array();
    for (int i = 0; i < 101; ++i) many.push_back({{"name", "x"}});
    e["transaction"]["items"] = many;
    CHECK(refused_field(e) == "transaction.items");
  }
  SECTION("the body as a whole") {
    CHECK(http::parse_event("not json", kReceived).error().field.empty());
    CHECK(http::parse_event("[1,2]", kReceived).error().field.empty());
  }
}

TEST_CASE("refunds and cancellations need only id, type and transaction.id", "[event_parser]") {
  for (const char* type : {"transaction.refunded", "transaction.cancelled"}) {
    INFO(type);
    const json body = {{"id", "evt-9"}, {"type", type}, {"transaction", {{"id", "T-1"}}}};
    auto result = http::parse_event(body.dump(), kReceived);
    REQUIRE(result.ok());
    CHECK(result->occurred_at == kReceived);
    CHECK_FALSE(result->telegram_chat_id);
    CHECK(result->transaction_id == "T-1");

    json mistyped = body;
    mistyped["customer"] = {{"telegram_chat_id", "x"}};
    CHECK(refused_field(mistyped) == "customer.telegram_chat_id");
    json no_transaction = body;
    no_transaction.erase("transaction");
    CHECK(refused_field(no_transaction) == "transaction");
  }
}

TEST_CASE("null optional fields count as absent and unknown fields are ignored", "[event_parser]") {
  json e = valid_event();
  e["customer"]["name"] = nullptr;
  e["transaction"]["amount"] = nullptr;
  e["source"] = "till-3";
  auto result = http::parse_event(e.dump(), kReceived);
  REQUIRE(result.ok());
  CHECK(result->customer_name.empty());
  CHECK_FALSE(result->amount);
}

TEST_CASE("a chat id names a private chat and fits 64 bits", "[event_parser]") {
  json e = valid_event();
  for (const char* bad :
       {"0", "-1", "-1001234567890", "9223372036854775808", "18446744073709551615"}) {
    INFO(bad);
    e["customer"]["telegram_chat_id"] = json::parse(bad);
    auto result = http::parse_event(e.dump(), kReceived);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().field == "customer.telegram_chat_id");
    CHECK(result.error().error.find("private chat") != std::string::npos);
  }
  e["customer"]["telegram_chat_id"] = json::parse("9223372036854775807");
  auto largest = http::parse_event(e.dump(), kReceived);
  REQUIRE(largest.ok());
  CHECK(largest->telegram_chat_id == INT64_MAX);
}

TEST_CASE("an external id is at most what a deep link can carry", "[event_parser]") {
  json e = valid_event();
  e["customer"]["external_id"] = std::string(39, 'x');
  CHECK(http::parse_event(e.dump(), kReceived).ok());
  e["customer"]["external_id"] = std::string(40, 'x');
  auto result = http::parse_event(e.dump(), kReceived);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().field == "customer.external_id");
  CHECK(result.error().error.find("39 bytes") != std::string::npos);
}

TEST_CASE("names are cleaned before they can reach a message", "[event_parser]") {
  json e = valid_event();
  e["customer"]["name"] = json::parse(R"("Ann\nTransaction: FAKE\u202E\u0000  Lee ")");
  e["transaction"]["items"][0]["name"] = "Latte\r\n\u2066x\u2069";
  auto result = http::parse_event(e.dump(), kReceived);
  REQUIRE(result.ok());
  CHECK(result->customer_name == "Ann Transaction: FAKE Lee");
  CHECK(result->items[0].name == "Latte x");
}
