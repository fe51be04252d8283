#include "reviewbot/core/types.h"

#include "reviewbot/core/events.h"

namespace reviewbot::core {

const char* to_string(Trigger t) {
  switch (t) {
    case Trigger::kTransactionCompleted:
      return "transaction.completed";
    case Trigger::kThankYou:
      return "thank_you";
  }
  return "unknown";
}

const char* to_string(ConversationState s) {
  switch (s) {
    case ConversationState::kAwaitingRating:
      return "awaiting_rating";
    case ConversationState::kAwaitingComment:
      return "awaiting_comment";
    case ConversationState::kDone:
      return "done";
    case ConversationState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<ConversationState> conversation_state_from_string(const std::string& s) {
  for (auto state : {ConversationState::kAwaitingRating, ConversationState::kAwaitingComment,
                     ConversationState::kDone, ConversationState::kCancelled}) {
    if (s == to_string(state)) return state;
  }
  return std::nullopt;
}

const char* to_string(TransactionEvent::Type t) {
  switch (t) {
    case TransactionEvent::Type::kCompleted:
      return "transaction.completed";
    case TransactionEvent::Type::kRefunded:
      return "transaction.refunded";
    case TransactionEvent::Type::kCancelled:
      return "transaction.cancelled";
  }
  return "unknown";
}

std::optional<TransactionEvent::Type> transaction_type_from_string(const std::string& s) {
  for (auto type : {TransactionEvent::Type::kCompleted, TransactionEvent::Type::kRefunded,
                    TransactionEvent::Type::kCancelled}) {
    if (s == to_string(type)) return type;
  }
  return std::nullopt;
}

}  // namespace reviewbot::core
