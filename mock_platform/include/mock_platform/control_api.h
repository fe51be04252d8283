// The /_mock control API as plain calls: each takes the path ids and the JSON body text and
// returns the HTTP status and JSON answer ({"error": …} on failure). It drives simulated
// customers, reads transcripts and stats and manages fault rules. Thread-safe (holds
// references to thread-safe parts).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mock_platform/bot.h"
#include "mock_platform/fault_injector.h"
#include "mock_platform/stats.h"

namespace mock_platform {

struct ControlReply {
  int status = 200;
  nlohmann::json body;
};

class ControlApi {
 public:
  ControlApi(Bot& bot, Stats& stats, FaultInjector& faults);

  // POST /_mock/users {"name","language_code","started"?} → 201 {"user_id"}
  ControlReply create_user(std::string_view body);
  // GET /_mock/users → {"users":[…]}, each with "blocked", "started" and "owner"
  ControlReply list_users();
  // POST /_mock/users/{id}/messages {"text"} → 201 {"update_id","message_id"}
  ControlReply user_message(std::int64_t user_id, std::string_view body);
  // POST /_mock/users/{id}/press {"message_id", "callback_data"|"button_text"}
  //   → 201 {"update_id","callback_query_id"}
  ControlReply press(std::int64_t user_id, std::string_view body);
  // POST /_mock/users/{id}/block | /unblock [{"notify":false}] → {"update_id"} (null when
  // nothing changed or notify is false: a silent block shows only as 403s)
  ControlReply set_blocked(std::int64_t user_id, bool blocked, std::string_view body = "");
  // POST /_mock/business/connections {"owner_user_id"} → 201 {"connection_id","update_id"}
  ControlReply connect_business(std::string_view body);
  // DELETE /_mock/business/connections/{id} → {"update_id"}
  ControlReply disconnect_business(const std::string& connection_id);
  // POST /_mock/business/{id}/messages {"from_user_id","chat_id","text"}
  //   → 201 {"update_id","message_id"}
  ControlReply business_message(const std::string& connection_id, std::string_view body);
  // GET /_mock/chats/{id} → the transcript
  ControlReply chat(std::int64_t chat_id);
  // GET /_mock/stats
  ControlReply stats();
  // POST /_mock/faults (a rule) → 201 {"faults":[…]}; DELETE clears; GET lists.
  ControlReply add_fault(std::string_view body);
  ControlReply clear_faults();
  ControlReply list_faults();

 private:
  Bot& bot_;
  Stats& stats_;
  FaultInjector& faults_;
};

}  // namespace mock_platform
