#include "core/engine_fixture.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

namespace {

Snapshot for_transaction(std::optional<Conversation> conv) {
  Snapshot s = with(stored_customer(), conv);
  s.transaction_conversation = std::move(conv);
  return s;
}

}  // namespace

TEST_CASE("a refund before the answer cancels the request", "[engine][refund]") {
  EngineFixture f;
  const auto d = f.decide(refund("evt-9"), for_transaction(awaiting_rating(f.now)));

  CHECK(d.outcome.status == Outcome::Status::kCancelled);
  REQUIRE(d.conversation);
  CHECK(d.conversation->id == kConversationId);
  CHECK(d.conversation->state == ConversationState::kCancelled);
  REQUIRE(d.cancellations.size() == 1);
  CHECK(d.cancellations[0].conversation_id == kConversationId);
  CHECK(d.cancellations[0].kinds.empty());

  SECTION("the sent request loses its buttons") {
    const auto& remove = std::get<RemoveKeyboard>(only(d, Kind::kNotice).body);
    CHECK(remove.message_id == kRequestMessageId);
  }
  SECTION("a request not sent yet has nothing to edit") {
    auto unsent = awaiting_rating(f.now);
    unsent.request_message_id.reset();
    CHECK(f.decide(refund("evt-9"), for_transaction(unsent)).messages.empty());
  }
  SECTION("a cancelled transaction works the same way") {
    auto e = refund("evt-9");
    e.type = TransactionEvent::Type::kCancelled;
    CHECK(f.decide(e, for_transaction(awaiting_rating(f.now))).outcome.status ==
          Outcome::Status::kCancelled);
  }
}

TEST_CASE("a refund after the answer or without a request cancels nothing", "[engine][refund]") {
  EngineFixture f;
  auto check_nothing = [&](const Snapshot& state) {
    const auto d = f.decide(refund("evt-9"), state);
    CHECK(d.outcome.status == Outcome::Status::kNothingToCancel);
    CHECK_FALSE(d.conversation);
    CHECK(d.cancellations.empty());
    CHECK(d.messages.empty());
  };
  SECTION("rated") { check_nothing(for_transaction(awaiting_comment(f.now, 4))); }
  SECTION("no request for the transaction") { check_nothing(for_transaction(std::nullopt)); }
}

TEST_CASE("a refund of a sale still waiting for a link drops it", "[engine][refund]") {
  EngineFixture f;
  auto waiting = sale("evt-1", std::nullopt, "C-77");
  auto other = sale("evt-2", std::nullopt, "C-77");
  other.transaction_id = "T-2";
  Snapshot state;
  state.pending_events = {waiting, other};

  auto e = refund("evt-9");
  e.telegram_chat_id.reset();
  e.external_id = "C-77";
  const auto d = f.decide(e, state);
  CHECK(d.outcome.status == Outcome::Status::kCancelled);
  CHECK(d.unparked_event_ids == std::vector<std::string>{"evt-1"});
}
