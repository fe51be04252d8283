// Send-time policy: REQUEST_DELAY, COOLDOWN, REMINDER_AFTER and QUIET_HOURS in TIMEZONE.
// Pure functions over values; the time zone is resolved once at startup (date/tz, reading
// the system tz database) and only read afterwards, so Policy is safe to share.
#pragma once

#include <optional>
#include <string>

#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace date {
class time_zone;
}

namespace reviewbot::core {

// A daily local-time window [start, end) in minutes after midnight. start > end crosses
// midnight ("21:00-09:00"); start == end is rejected by the parser.
struct QuietHours {
  int start_minute = 0;
  int end_minute = 0;
};

// Parses "HH:MM-HH:MM" (24 h). Empty text means "no quiet hours" (nullopt value).
Result<std::optional<QuietHours>> parse_quiet_hours(const std::string& text);

struct Policy;

// A time zone by IANA name ("Europe/Berlin", "UTC"). Error names the accepted form.
class TimeZone {
 public:
  static Result<TimeZone> find(const std::string& iana_name);
  static TimeZone utc();
  const std::string& name() const { return name_; }
  // Offset of local time from UTC at instant t (handles DST).
  Duration offset_at(Time t) const;

 private:
  friend Time next_send_time(const Policy& p, Time t);
  // The instant at which the local wall clock (given as if it were UTC) reads `local`.
  // When it reads it twice (DST ends), the earlier instant, or the later with `later`;
  // when never (DST starts), the instant of the jump.
  Time local_to_utc(Time local, bool later) const;

  TimeZone(std::string name, const date::time_zone* zone) : name_(std::move(name)), zone_(zone) {}
  std::string name_;
  const date::time_zone* zone_;  // nullptr means UTC; owned by the tz database
};

struct Policy {
  Duration request_delay{0};
  Duration cooldown{std::chrono::hours(24 * 30)};
  Duration reminder_after{std::chrono::hours(24)};        // 0 disables reminders
  Duration conversation_ttl{std::chrono::hours(24 * 7)};  // unanswered requests expire
  Duration comment_window{std::chrono::hours(1)};  // low-rating alert waits this for a comment
  // A sale that happened longer ago than this is not asked about (skipped "stale"): a till
  // that queued events for weeks should not ask about last month's visit. 0 = no limit.
  Duration max_event_age{std::chrono::hours(24 * 7)};
  std::optional<QuietHours> quiet_hours{QuietHours{21 * 60, 9 * 60}};
  TimeZone time_zone = TimeZone::utc();
};

// True when t falls inside the quiet window in the policy's zone.
bool in_quiet_hours(const Policy& p, Time t);

// The earliest instant >= t outside quiet hours: t itself, or the window's local end.
Time next_send_time(const Policy& p, Time t);

// True when a request at `now` is still within COOLDOWN of the last one.
bool in_cooldown(const Policy& p, const Customer& c, Time now);

}  // namespace reviewbot::core
