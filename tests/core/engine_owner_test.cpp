// The owner's side of the rules: the owner deep link, the owner's chat kept out of the
// review flow, alerts to every owner chat with what the owner needs to act, the shop's
// name kept apart from Telegram's, the inbox, and the owner's replies.
#include "core/engine_fixture.h"
#include "reviewbot/core/links.h"

namespace reviewbot::testing {
namespace {

using namespace std::chrono_literals;
using core::MessageKind;
using Kind = core::MessageKind;

constexpr core::ChatId kLinkedOwner = 5005;

std::string owner_parameter(core::Time expires) {
  auto p = core::make_owner_parameter(kLinkSecret, expires);
  REQUIRE(p.ok());
  return *p;
}

core::Snapshot with_owner_chats(core::Snapshot s, std::vector<core::ChatId> chats) {
  s.owner_chats = std::move(chats);
  return s;
}

}  // namespace

TEST_CASE("owner links are signed, expire and are not customer links", "[links][owner]") {
  const core::Time now = utc(2026, 11, 22, 12);
  const std::string p = owner_parameter(now + 1h);
  CHECK(p.size() == 24);
  CHECK(p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(core::verify_owner_parameter(kLinkSecret, p, now));
  CHECK_FALSE(core::verify_owner_parameter(kLinkSecret, p, now + 1h));  // expired
  CHECK_FALSE(core::verify_owner_parameter("another secret", p, now));
  std::string forged = p;
  forged[5] = forged[5] == 'A' ? 'B' : 'A';  // a later expiry, say
  CHECK_FALSE(core::verify_owner_parameter(kLinkSecret, forged, now));
  CHECK_FALSE(core::verify_start_parameter(kLinkSecret, p));
  const auto customer = core::make_start_parameter(kLinkSecret, "C-77");
  REQUIRE(customer.ok());
  CHECK_FALSE(core::verify_owner_parameter(kLinkSecret, *customer, now));
}

TEST_CASE("the owner deep link makes a chat the owner's", "[engine][owner]") {
  EngineFixture f;
  const auto start = text_from(kLinkedOwner, "/start " + owner_parameter(f.now + 1h));

  const auto d = f.decide(start);
  REQUIRE(d.owner_chat);
  CHECK(d.owner_chat->chat_id == kLinkedOwner);
  CHECK(d.owner_chat->linked);
  CHECK_FALSE(d.customer);  // the owner is no customer
  const auto& confirmation = text_of(only(d, Kind::kNotice));
  CHECK(confirmation.chat_id == kLinkedOwner);
  CHECK(confirmation.text.find("Cafe") != std::string::npos);

  SECTION("an expired link links nothing") {
    f.now += 2h;
    CHECK_FALSE(f.decide(start).owner_chat);
  }
  SECTION("a link from a Business chat links nothing") {
    auto business = start;
    business.business_connection_id = "bc-1";
    CHECK_FALSE(f.decide(business).owner_chat);
  }
}

TEST_CASE("an owner chat is never asked for a review", "[engine][owner]") {
  EngineFixture f;
  f.settings.owner_chat_id.reset();
  const auto owner = with_owner_chats(with(stored_customer(kLinkedOwner)), {kLinkedOwner});

  SECTION("a sale for it is skipped") {
    const auto d = f.decide(sale("evt-9", kLinkedOwner), owner);
    CHECK(d.outcome.status == core::Outcome::Status::kSkipped);
    CHECK(d.outcome.reason == "owner_chat");
    CHECK_FALSE(has(d, Kind::kRequest));
  }
  SECTION("OWNER_CHAT_ID counts too") {
    f.settings.owner_chat_id = kOwnerChat;
    const auto d = f.decide(sale("evt-9", kOwnerChat), with(stored_customer(kOwnerChat)));
    CHECK(d.outcome.reason == "owner_chat");
  }
  SECTION("its thanks start nothing and reach no inbox") {
    const auto d = f.decide(text_from(kLinkedOwner, "thank you!"), owner);
    CHECK(d.messages.empty());
    CHECK_FALSE(d.conversation);
    CHECK_FALSE(d.inbox_message);
  }
  SECTION("/stop in it ends its alerts") {
    const auto d = f.decide(text_from(kLinkedOwner, "/stop"), owner);
    REQUIRE(d.owner_chat);
    CHECK_FALSE(d.owner_chat->linked);
    CHECK_FALSE(d.customer);
    CHECK(has(d, Kind::kNotice));
  }
}

TEST_CASE("a low rating alerts every owner chat with what the owner needs", "[engine][owner]") {
  EngineFixture f;
  f.settings.dashboard_url = "https://shop.example/admin";
  f.templates = core::TemplateSet(f.templates.rules(), [&] {
    auto sources = f.templates.sources();
    sources["en"]["owner_alert"] =
        "{{customer_name}}|{{external_id}}|{{telegram_name}}|@{{telegram_username}}|"
        "{{#items}}{{name}},{{/items}}|{{amount}} {{currency}}|{{comment}}|{{review_link}}";
    return sources;
  }());
  core::Customer ann = stored_customer();
  ann.name = "Ann Smith";  // the shop's name
  ann.telegram_name = "Annie";
  ann.username = "annie_s";
  ann.external_id = "C-77";
  core::Conversation conv = awaiting_comment(f.now, 1);
  conv.amount = 42.5;
  conv.currency = "USD";
  conv.items = {{"Latte", "coffee"}, {"Bagel", "bakery"}};
  auto state = with_owner_chats(with(ann, conv), {kOwnerChat, kLinkedOwner});

  auto comment = text_from(kChat, "Too cold");
  comment.from_name = "Annie";
  comment.from_username = "annie_s";
  const auto d = f.decide(comment, state);

  std::vector<core::ChatId> alerted;
  for (const auto& m : d.messages) {
    if (m.kind != Kind::kOwnerAlert) continue;
    alerted.push_back(std::get<core::SendText>(m.body).chat_id);
    CHECK(std::get<core::SendText>(m.body).text ==
          "Ann Smith|C-77|Annie|@annie_s|Latte,Bagel,|42.50 USD|Too cold|"
          "https://shop.example/admin/review?id=42");
  }
  CHECK(alerted == std::vector<core::ChatId>{kOwnerChat, kLinkedOwner});  // OWNER_CHAT_ID once
}

TEST_CASE("the shop's name and the Telegram name stay apart", "[engine][owner]") {
  EngineFixture f;
  core::Customer ann = stored_customer();
  ann.name = "Ann Smith";

  auto message = text_from(kChat, "hello");
  message.from_name = "Annie";
  message.from_username = "annie_s";
  const auto d = f.decide(message, with(ann));
  REQUIRE(d.customer);
  CHECK(d.customer->name == "Ann Smith");
  CHECK(d.customer->telegram_name == "Annie");
  CHECK(d.customer->username == "annie_s");

  core::Customer seen = *d.customer;
  auto renamed = sale("evt-2", kChat);
  renamed.customer_name = "Ann B. Smith";
  const auto s = f.decide(renamed, with(seen));
  REQUIRE(s.customer);
  CHECK(s.customer->name == "Ann B. Smith");
  CHECK(s.customer->telegram_name == "Annie");

  SECTION("messages use the shop's name, else Telegram's") {
    CHECK(text_of(only(s, Kind::kRequest)).text == "How was it, Ann B. Smith?");
    core::Customer unnamed = seen;
    unnamed.name.clear();
    const auto t = f.decide(sale("evt-3", kChat), with(unnamed));
    REQUIRE(t.customer);
    CHECK(t.customer->name == "Ann");  // the sale's
    auto nameless_sale = sale("evt-4", kChat);
    nameless_sale.customer_name.clear();
    const auto u = f.decide(nameless_sale, with(unnamed));
    CHECK(text_of(only(u, Kind::kRequest)).text == "How was it, Annie?");
  }
  SECTION("the sale's details stay with the conversation") {
    REQUIRE(s.conversation);
    CHECK(s.conversation->amount == 42.5);
    CHECK(s.conversation->currency == "USD");
    CHECK(s.conversation->items == std::vector<core::TransactionItem>{{"Latte", "coffee"}});
  }
}

TEST_CASE("a customer's message that answers nothing goes to the owner's inbox",
          "[engine][owner]") {
  EngineFixture f;
  SECTION("with no conversation open") {
    const auto d =
        f.decide(text_from(kChat, "Do you open on Sunday?", 901), with(stored_customer()));
    REQUIRE(d.inbox_message);
    CHECK(d.inbox_message->chat_id == kChat);
    CHECK(d.inbox_message->message_id == 901);
    CHECK(d.inbox_message->text == "Do you open on Sunday?");
    CHECK(d.messages.empty());
  }
  SECTION("while a request waits for a rating") {
    const auto d = f.decide(text_from(kChat, "Where is my order?"),
                            with(stored_customer(), awaiting_rating(f.now)));
    REQUIRE(d.inbox_message);
    CHECK_FALSE(d.conversation);  // the request still waits
  }
  SECTION("a first message from someone new keeps them as a customer") {
    const auto d = f.decide(text_from(kChat, "hi"));
    CHECK(d.inbox_message);
    CHECK(d.customer);
  }
  SECTION("answers, thanks, commands, edits and Business chats do not") {
    CHECK_FALSE(f.decide(text_from(kChat, "4"), with(stored_customer(), awaiting_rating(f.now)))
                    .inbox_message);
    CHECK_FALSE(
        f.decide(text_from(kChat, "Cold"), with(stored_customer(), awaiting_comment(f.now, 2)))
            .inbox_message);
    CHECK_FALSE(f.decide(text_from(kChat, "thank you!"), with(stored_customer())).inbox_message);
    CHECK_FALSE(f.decide(text_from(kChat, "/help"), with(stored_customer())).inbox_message);
    auto edit = text_from(kChat, "hello again");
    edit.edited = true;
    CHECK_FALSE(f.decide(edit, with(stored_customer())).inbox_message);
    auto business = text_from(kChat, "hello");
    business.business_connection_id = "bc-1";
    CHECK_FALSE(f.decide(business, with(stored_customer())).inbox_message);
  }
}

TEST_CASE("the owner's reply goes to the customer's chat as plain text", "[engine][owner]") {
  EngineFixture f;
  const core::OwnerReply reply{kChat, kConversationId, "Sorry! <Next> coffee is on us & more"};
  CHECK(f.lookup(reply).chat_id == kChat);

  const auto d = f.decide(reply, with(stored_customer()));
  CHECK(d.outcome.status == core::Outcome::Status::kScheduled);
  const auto& m = only(d, Kind::kOwnerReply);
  CHECK(m.conversation_id == kConversationId);
  CHECK(m.due_at == f.now);
  const auto& text = text_of(m);
  CHECK(text.chat_id == kChat);
  CHECK_FALSE(text.html);
  CHECK(text.text == "Sorry! <Next> coffee is on us & more");
  CHECK_FALSE(text.business_connection_id);

  SECTION("through the Business chat when that is the customer's only channel") {
    core::Customer business = stored_customer();
    business.started_bot = false;
    business.business_connection_id = "bc-1";
    CHECK(
        text_of(only(f.decide(reply, with(business)), Kind::kOwnerReply)).business_connection_id ==
        "bc-1");
  }
  SECTION("never to a customer who opted out or blocked the bot") {
    core::Customer out = stored_customer();
    out.opted_out = true;
    const auto refused = f.decide(reply, with(out));
    CHECK(refused.outcome.reason == "opted_out");
    CHECK(refused.messages.empty());
    core::Customer blocked = stored_customer();
    blocked.unreachable = true;
    CHECK(f.decide(reply, with(blocked)).outcome.reason == "unreachable");
    CHECK(f.decide(reply).outcome.reason == "unreachable");
  }
}

}  // namespace reviewbot::testing
