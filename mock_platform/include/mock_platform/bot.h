// The simulated Telegram world of one bot: customers, their chats, messages both ways,
// callback queries and business connections. BotApi (checked Bot API calls) and ControlApi
// (customer actions, which queue updates) both change it. Thread-safe: one mutex guards all
// state, and updates are queued under it so update order matches event order.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "mock_platform/inline_keyboard.h"
#include "mock_platform/result.h"
#include "mock_platform/stats.h"
#include "mock_platform/update_queue.h"

namespace mock_platform {

// The simulated shop owner's user id (--owner-name): fixed so it can be documented and
// typed into OWNER_CHAT_ID. Customers get ids from kFirstCustomerId up.
inline constexpr std::int64_t kOwnerUserId = 1000000;
inline constexpr std::int64_t kFirstCustomerId = 1000001;

struct BotIdentity {
  std::int64_t id = 7000000001;
  std::string username = "reviewbot_demo_bot";
  std::string first_name = "Reviewbot Demo";
};

// A bot message as sendMessage / editMessage* want it after form checks.
struct OutgoingText {
  std::string text;        // as sent (HTML when parse_mode is HTML)
  std::string plain_text;  // what Telegram stores: tags removed, entities decoded
  std::string parse_mode;  // "", "HTML", "MarkdownV2", "Markdown"
};

struct SendRequest {
  std::int64_t chat_id = 0;
  OutgoingText text;
  InlineKeyboard keyboard;
  std::string business_connection_id;  // empty = the bot's own chat
};

struct EditRequest {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::optional<OutgoingText> text;  // nullopt for editMessageReplyMarkup
  InlineKeyboard keyboard;           // empty removes the keyboard, as in Telegram
};

struct CallbackAnswer {
  std::string callback_query_id;
  std::string text;
  bool show_alert = false;
  std::string url;
};

// Answers of customer actions: the queued update (null when allowed_updates filtered it).
struct Queued {
  std::optional<std::int64_t> update_id;
  std::int64_t message_id = 0;
  std::string callback_query_id;
};

class Bot {
 public:
  Bot(BotIdentity identity, UpdateQueue& queue, Stats& stats);

  const BotIdentity& identity() const { return identity_; }
  nlohmann::json me_json() const;

  // Bot API side. Results are Telegram Message objects (or true for answers).
  // Errors: 400 chat not found, 403 blocked / never started, 400 business connection
  // invalid, 400 message to edit not found / can't be edited / is not modified,
  // 400 query is too old.
  Result<nlohmann::json> send_message(const SendRequest& request);
  Result<nlohmann::json> edit_message(const EditRequest& request);
  Result<nlohmann::json> answer_callback(const CallbackAnswer& answer);

  // Customer side (control API). Errors carry 400/404/409 and a description.
  // `started` false creates a user who never opened the bot (reachable only via business).
  std::int64_t create_user(const std::string& name, const std::string& language_code,
                           bool started = true);
  // Creates the shop owner, kOwnerUserId, who has started the bot (the bot may message
  // them like any customer). Listed by users_json() with "owner": true. No-op if present.
  void create_owner(const std::string& name, const std::string& language_code);
  // Every user with "blocked", "started" and "owner", by id (the owner first).
  nlohmann::json users_json() const;
  Result<Queued> user_message(std::int64_t user_id, const std::string& text);
  // Presses the button of bot message `message_id` whose callback_data (or text) matches.
  Result<Queued> press(std::int64_t user_id, std::int64_t message_id,
                       const std::optional<std::string>& callback_data,
                       const std::optional<std::string>& button_text);
  // With `notify` a my_chat_member update tells the bot; without it the bot learns of a
  // block only from the 403 of its next send.
  Result<Queued> set_blocked(std::int64_t user_id, bool blocked, bool notify = true);
  Result<std::string> connect_business(std::int64_t owner_user_id, Queued& queued);
  Result<Queued> disconnect_business(const std::string& connection_id);
  Result<Queued> business_message(const std::string& connection_id, std::int64_t from_user_id,
                                  std::int64_t chat_id, const std::string& text);
  // {"chat_id","user","blocked","messages":[…],"callback_answers":[…]}.
  Result<nlohmann::json> transcript(std::int64_t chat_id) const;

 private:
  struct User {
    std::int64_t id = 0;
    std::string first_name;
    std::string language_code;
    bool started = true;
    bool blocked = false;
    bool owner = false;
  };
  struct Message {
    std::int64_t message_id = 0;
    bool from_bot = false;
    std::int64_t from_user_id = 0;
    OutgoingText text;
    InlineKeyboard keyboard;
    bool edited = false;
    bool text_edited = false;  // an edit changed its text, not only its keyboard
    std::string business_connection_id;
    std::int64_t date = 0;
  };
  struct CallbackQuery {
    std::string id;
    std::int64_t chat_id = 0;
    std::int64_t message_id = 0;
    std::string data;
    bool answered = false;
    CallbackAnswer answer;
  };
  struct Chat {
    std::int64_t next_message_id = 1;
    std::vector<Message> messages;
    std::vector<std::string> callback_ids;
    std::set<std::string> bot_texts_since_customer;  // for duplicate detection
  };
  struct BusinessConnection {
    std::string id;
    std::int64_t owner_user_id = 0;
    bool enabled = true;
    std::int64_t date = 0;
  };

  static std::int64_t unix_now();
  nlohmann::json user_json(const User& user) const;
  nlohmann::json chat_json(const User& user) const;
  nlohmann::json message_json(std::int64_t chat_id, const Message& m) const;
  nlohmann::json business_connection_json(const BusinessConnection& c) const;
  Message* find_message(std::int64_t chat_id, std::int64_t message_id);
  std::optional<std::int64_t> push(const std::string& type, std::int64_t chat_key,
                                   nlohmann::json payload);

  const BotIdentity identity_;
  UpdateQueue& queue_;
  Stats& stats_;

  mutable std::mutex mu_;
  // Guarded by mu_:
  std::int64_t next_user_id_ = kFirstCustomerId;
  std::int64_t next_callback_seq_ = 1;
  std::int64_t next_connection_seq_ = 1;
  std::map<std::int64_t, User> users_;
  std::map<std::int64_t, Chat> chats_;  // private chats, keyed by the user's id
  std::unordered_map<std::string, CallbackQuery> callbacks_;
  std::map<std::string, BusinessConnection> connections_;
};

}  // namespace mock_platform
