#include "load/transcript.h"

#include <algorithm>

namespace load {
namespace {

std::string string_or_empty(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Transcript parse_transcript(const nlohmann::json& chat) {
  Transcript t;
  auto messages = chat.find("messages");
  if (!chat.is_object() || messages == chat.end() || !messages->is_array()) return t;
  for (const auto& m : *messages) {
    if (!m.is_object() || string_or_empty(m, "from") != "bot") continue;
    BotMessage out;
    out.message_id = m.value("message_id", std::int64_t{0});
    out.plain_text = string_or_empty(m, "plain_text");
    out.edited = m.value("edited", false);
    out.text_edited = m.value("text_edited", false);
    auto keyboard = m.find("inline_keyboard");
    if (keyboard != m.end() && keyboard->is_array() && !keyboard->empty() &&
        keyboard->front().is_array()) {
      for (const auto& b : keyboard->front()) {
        if (b.is_object()) {
          out.first_row.push_back(
              {string_or_empty(b, "text"), string_or_empty(b, "callback_data")});
        }
      }
    }
    t.bot_messages.push_back(std::move(out));
  }
  std::sort(t.bot_messages.begin(), t.bot_messages.end(),
            [](const BotMessage& a, const BotMessage& b) { return a.message_id < b.message_id; });
  return t;
}

bool is_rating_request(const BotMessage& m) { return m.first_row.size() == 5 || m.text_edited; }

const BotMessage* open_request(const Transcript& t) {
  for (const auto& m : t.bot_messages) {
    if (m.first_row.size() == 5) return &m;
  }
  return nullptr;
}

const BotMessage* bot_message_after(const Transcript& t, std::int64_t message_id) {
  for (const auto& m : t.bot_messages) {
    if (m.message_id > message_id) return &m;
  }
  return nullptr;
}

int count_requests(const Transcript& t) {
  return static_cast<int>(std::count_if(t.bot_messages.begin(), t.bot_messages.end(),
                                        [](const BotMessage& m) { return is_rating_request(m); }));
}

}  // namespace load
