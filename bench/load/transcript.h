// Reads a chat transcript from mock_platform (GET /_mock/chats/{id}) into the few facts
// the driver needs: the bot's messages in order, their buttons, whether they were edited.
// Plain values; no I/O.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace load {

struct Button {
  std::string text;
  std::string callback_data;
};

struct BotMessage {
  std::int64_t message_id = 0;
  std::string plain_text;
  std::vector<Button> first_row;  // first row of the inline keyboard; empty when none
  bool edited = false;
  bool text_edited = false;  // an edit changed its text (not only removed its keyboard)
};

struct Transcript {
  std::vector<BotMessage> bot_messages;  // in message_id order
};

// Tolerates missing fields (they read as empty); never throws.
Transcript parse_transcript(const nlohmann::json& chat);

// A rating request: a row of five buttons, or a bot message whose text was edited
// (reviewbot edits the request to show the rating, which removes its keyboard; the comment
// prompt loses only its Skip button).
bool is_rating_request(const BotMessage& m);

// The first rating request still showing its five buttons, or nullptr.
const BotMessage* open_request(const Transcript& t);

// The first bot message with an id greater than `message_id`, or nullptr.
const BotMessage* bot_message_after(const Transcript& t, std::int64_t message_id);

// How many rating requests the chat holds (a correct flow has exactly one).
int count_requests(const Transcript& t);

}  // namespace load
