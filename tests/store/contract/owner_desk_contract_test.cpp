// OwnerDesk contract, and the stored fields the owner's side reads: the shop's and
// Telegram's names, the sale a conversation asks about, owner chats, inbox messages and
// their handling, a conversation's messages, failed sends, figures per variant.
// Runs on every store backend (contract/backends.h).
#include "store/contract/backends.h"
#include "store/contract/outbox_helpers.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using Status = store::ProcessResult::Status;
using Kind = store::InboxItem::Kind;

namespace {

// A rated conversation for `chat` (conversation id = its order of creation), its request
// sent or failed.
void add_review(store::Store& s, core::ChatId chat, int rating, core::Time answered,
                const std::string& variant, bool sent = true) {
  core::Decision d = request_decision(chat);
  d.customer->name = "Shop name " + std::to_string(chat);
  d.customer->telegram_name = "Tg " + std::to_string(chat);
  d.customer->username = "user" + std::to_string(chat);
  d.customer->external_id = "X-" + std::to_string(chat);
  d.conversation->variant = variant;
  d.conversation->amount = 12.25;
  d.conversation->currency = "EUR";
  d.conversation->items = {{"Latte", "coffee"}, {"Bagel", ""}};
  d.conversation->state = core::ConversationState::kDone;
  d.conversation->rating = rating;
  d.conversation->answered_at = answered;
  d.conversation->comment = "comment " + std::to_string(chat);
  REQUIRE(apply(s, event_key("e" + std::to_string(chat)), d).status == Status::kApplied);
  auto rows = s.claim_due(lease_for(kThisInstance, at(0)), at(0), 10);
  REQUIRE(rows.ok());
  for (const auto& row : *rows) {
    REQUIRE(s.complete(
                 kThisInstance, row.id,
                 sent ? outcome(Delivery::kSent) : outcome(Delivery::kFailed, {}, "chat not found"),
                 at(1))
                .ok());
  }
}

// A free message from the stored customer of `chat`.
void add_message(store::Store& s, core::ChatId chat, const std::string& text, int64_t update) {
  const core::Lookup lookup{chat, {}, {}, {}, false};
  const auto result = s.process(update_key(update), lookup, [&](const core::Snapshot& snap) {
    core::Decision d;
    if (!snap.customer) d.customer = make_customer(chat);
    d.inbox_message = core::InboxMessage{chat, update, text};
    return d;
  });
  REQUIRE(result.status == Status::kApplied);
}

}  // namespace

TEMPLATE_TEST_CASE("customers keep the shop's name apart from Telegram's",
                   "[store][contract][desk]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  add_review(s, 101, 2, at(10), "a");

  const auto snap = peek(s, core::Lookup{101, {}, {}, {}, false});
  REQUIRE(snap.customer);
  CHECK(snap.customer->name == "Shop name 101");
  CHECK(snap.customer->telegram_name == "Tg 101");
  CHECK(snap.customer->username == "user101");
  REQUIRE(snap.conversation);
  CHECK(snap.conversation->amount == 12.25);
  CHECK(snap.conversation->currency == "EUR");
  CHECK(snap.conversation->items ==
        std::vector<core::TransactionItem>{{"Latte", "coffee"}, {"Bagel", ""}});

  const auto page = s.list_reviews({});
  REQUIRE(page.ok());
  REQUIRE(page->reviews.size() == 1);
  const auto& r = page->reviews[0];
  CHECK(r.customer_name == "Shop name 101");
  CHECK(r.telegram_name == "Tg 101");
  CHECK(r.username == "user101");
  CHECK(r.amount == 12.25);
  CHECK(r.items.size() == 2);
  CHECK_FALSE(r.handled_at);

  SECTION("a lookup by external id says which chat holds it") {
    CHECK(peek(s, core::Lookup{std::nullopt, "X-101", {}, {}, false}).external_id_chat ==
          std::optional<core::ChatId>(101));
    CHECK(peek(s, core::Lookup{202, "X-101", {}, {}, false}).external_id_chat ==
          std::optional<core::ChatId>(101));
    CHECK_FALSE(peek(s, core::Lookup{101, "X-999", {}, {}, false}).external_id_chat);
  }
  SECTION("search finds the Telegram name too") {
    store::ReviewFilter f;
    f.search = "tg 1";
    CHECK(s.list_reviews(f)->reviews.size() == 1);
  }
  SECTION("one review by id") {
    store::ReviewFilter f;
    f.id = r.id;
    CHECK(s.list_reviews(f)->reviews.size() == 1);
    f.id = r.id + 100;
    CHECK(s.list_reviews(f)->reviews.empty());
  }
}

TEMPLATE_TEST_CASE("owner chats are linked, loaded for decisions and unlinked",
                   "[store][contract][desk]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  for (const core::ChatId chat : {700, 500, 700}) {
    core::Decision d;
    d.owner_chat = core::OwnerChatChange{chat, true};
    REQUIRE(
        apply(s, event_key("link" + std::to_string(chat) + std::to_string(s.owner_chats()->size())),
              d)
            .status == Status::kApplied);
  }
  const auto chats = s.owner_chats();
  REQUIRE(chats.ok());
  REQUIRE(chats->size() == 2);  // linking twice keeps one
  CHECK((*chats)[0].chat_id == 500);
  CHECK((*chats)[1].chat_id == 700);

  core::Lookup wants{1, {}, {}, {}, true};
  CHECK(peek(s, wants).owner_chats == std::vector<core::ChatId>{500, 700});
  wants.owner_chats = false;
  CHECK(peek(s, wants).owner_chats.empty());

  core::Decision unlink;
  unlink.owner_chat = core::OwnerChatChange{700, false};
  REQUIRE(apply(s, event_key("unlink"), unlink).status == Status::kApplied);
  CHECK(s.owner_chats()->size() == 1);
  CHECK(*s.unlink_owner_chat(500));
  CHECK_FALSE(*s.unlink_owner_chat(500));
  CHECK(s.owner_chats()->empty());
}

TEMPLATE_TEST_CASE("the inbox holds unhandled low ratings and messages, newest first",
                   "[store][contract][desk]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  add_review(s, 101, 1, at(10), "a");  // conversation 1
  add_review(s, 102, 4, at(20), "a");  // not for the inbox
  add_review(s, 103, 2, at(30), "b");  // conversation 3
  backend.clock.set(at(35));           // stamps the message
  add_message(s, 101, "Are you open on Sunday?", 9001);

  auto inbox = s.inbox(50);
  REQUIRE(inbox.ok());
  REQUIRE(inbox->size() == 3);
  // The message came last.
  CHECK((*inbox)[0].kind == Kind::kMessage);
  CHECK((*inbox)[0].text == "Are you open on Sunday?");
  CHECK((*inbox)[0].customer.chat_id == 101);
  CHECK((*inbox)[0].customer.name == "Shop name 101");
  CHECK((*inbox)[1].kind == Kind::kReview);
  CHECK((*inbox)[1].id == 3);
  CHECK((*inbox)[1].rating == 2);
  CHECK((*inbox)[1].comment == std::optional<std::string>("comment 103"));
  CHECK((*inbox)[1].customer.telegram_name == "Tg 103");
  CHECK((*inbox)[1].customer.external_id == std::optional<std::string>("X-103"));
  CHECK((*inbox)[2].id == 1);
  const int64_t message_id = (*inbox)[0].id;

  SECTION("an inbox message is found by id") {
    const auto found = s.inbox_message(message_id);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->customer.chat_id == 101);
    CHECK_FALSE(s.inbox_message(message_id + 50)->has_value());
  }
  SECTION("marking handled takes an item out, once") {
    CHECK(*s.mark_handled(Kind::kReview, 3, "owner", at(40)));
    CHECK_FALSE(*s.mark_handled(Kind::kReview, 3, "owner", at(41)));
    CHECK(*s.mark_handled(Kind::kMessage, message_id, "owner", at(42)));
    CHECK_FALSE(*s.mark_handled(Kind::kMessage, message_id + 50, "owner", at(42)));
    inbox = s.inbox(50);
    REQUIRE(inbox->size() == 1);
    CHECK((*inbox)[0].id == 1);
    store::ReviewFilter f;
    f.id = 3;
    CHECK(s.list_reviews(f)->reviews[0].handled_at == std::optional<core::Time>(at(40)));
  }
  SECTION("replies show under the item they answer") {
    core::Decision to_review;
    to_review.messages.push_back(
        make_text(core::MessageKind::kOwnerReply, 103, "Sorry!", at(50), 3));
    REQUIRE(apply(s, event_key("owner-reply:1"), to_review).status == Status::kApplied);
    core::Decision to_message;
    to_message.messages.push_back(
        make_text(core::MessageKind::kOwnerReply, 101, "Yes, 9 to 5", at(50)));
    REQUIRE(apply(s, event_key("owner-reply:2"), to_message).status == Status::kApplied);
    inbox = s.inbox(50);
    REQUIRE(inbox->size() == 3);
    REQUIRE((*inbox)[0].replies.size() == 1);
    CHECK((*inbox)[0].replies[0].text == "Yes, 9 to 5");
    CHECK((*inbox)[0].replies[0].status == "pending");
    REQUIRE((*inbox)[1].replies.size() == 1);
    CHECK((*inbox)[1].replies[0].text == "Sorry!");
    CHECK((*inbox)[2].replies.empty());
  }
  SECTION("the limit holds") { CHECK(s.inbox(2)->size() == 2); }
}

TEMPLATE_TEST_CASE("a conversation's messages and the failed sends, with their reasons",
                   "[store][contract][desk]", REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  add_review(s, 101, 5, at(10), "a", true);
  add_review(s, 102, 5, at(20), "a", false);

  const auto sent = s.conversation_messages(1);
  REQUIRE(sent.ok());
  REQUIRE(sent->size() == 1);
  CHECK((*sent)[0].kind == core::MessageKind::kRequest);
  CHECK((*sent)[0].status == "sent");
  CHECK((*sent)[0].text == "How was it?");
  CHECK((*sent)[0].chat_id == 101);
  CHECK((*sent)[0].conversation_id == std::optional<int64_t>(1));
  CHECK((*sent)[0].sent_at);

  const auto failed = s.failed_messages(10);
  REQUIRE(failed.ok());
  REQUIRE(failed->size() == 1);
  CHECK((*failed)[0].chat_id == 102);
  CHECK((*failed)[0].status == "failed");
  CHECK((*failed)[0].last_error == std::optional<std::string>("chat not found"));
  CHECK(s.conversation_messages(99)->empty());
}

TEMPLATE_TEST_CASE("figures per template variant", "[store][contract][desk]",
                   REVIEWBOT_STORE_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  add_review(s, 101, 5, at(10), "a");
  add_review(s, 102, 3, at(20), "a");
  add_review(s, 103, 1, at(30), "b", false);  // its request failed: not sent
  {
    core::Decision open = request_decision(104);
    open.conversation->variant = "b";
    REQUIRE(apply(s, event_key("e104"), open).status == Status::kApplied);
    auto rows = s.claim_due(lease_for(kThisInstance, at(0)), at(0), 10);
    REQUIRE(rows.ok());
    for (const auto& row : *rows)
      REQUIRE(s.complete(kThisInstance, row.id, outcome(Delivery::kSent), at(1)).ok());
  }
  const auto stats = s.variant_stats();
  REQUIRE(stats.ok());
  CHECK(*stats ==
        std::vector<store::VariantStats>{{"default", "a", 2, 2, 8}, {"default", "b", 1, 1, 1}});
}
