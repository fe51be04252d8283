#include "reviewbot/core/policy.h"

#include <date/tz.h>

#include <cctype>
#include <exception>

namespace reviewbot::core {
namespace {

using std::chrono::days;
using std::chrono::minutes;

// Debian's date-tz is built with USE_OS_TZDB: it reads the compiled zones in
// /usr/share/zoneinfo and never downloads anything. Those files list explicit transitions
// only up to 2037; later instants would lose DST. The Gregorian calendar repeats every
// 28 years within 1901-2099 (same weekdays, same leap years), and DST rules are stated
// in weekdays ("last Sunday of March"), so instants past the table are shifted back by
// whole cycles before a lookup and forward again after it.
constexpr days kCalendarCycle{10227};  // 28 years
const date::sys_days kTableEnd = date::sys_days{date::year{2037} / 1 / 1};

days cycles_to_shift(date::sys_days day) {
  if (day < kTableEnd) return days{0};
  return kCalendarCycle * ((day - kTableEnd) / kCalendarCycle + 1);
}

bool in_window(const QuietHours& q, int minute_of_day) {
  if (q.start_minute < q.end_minute) {
    return minute_of_day >= q.start_minute && minute_of_day < q.end_minute;
  }
  return minute_of_day >= q.start_minute || minute_of_day < q.end_minute;
}

// Local wall-clock time of t, carried as a Time that reads like UTC.
Time wall_clock(const TimeZone& zone, Time t) { return t + zone.offset_at(t); }

// Parses "HH:MM" (hours may have one digit) into minutes after midnight; -1 when
// malformed, -2 when out of range.
int parse_clock(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || s.size() != colon + 3) return -1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != colon && !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
  }
  const int hours = std::stoi(s.substr(0, colon));
  const int mins = std::stoi(s.substr(colon + 1));
  if (hours > 23 || mins > 59) return -2;
  return hours * 60 + mins;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

Result<std::optional<QuietHours>> parse_quiet_hours(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty()) return std::optional<QuietHours>{};
  const std::string form =
      " (use HH:MM-HH:MM in 24-hour time, e.g. 21:00-09:00, or empty to disable)";
  const auto dash = t.find('-');
  if (dash == std::string::npos || t.find('-', dash + 1) != std::string::npos) {
    return Error{"\"" + text + "\" is not a time window" + form};
  }
  const int start = parse_clock(trim(t.substr(0, dash)));
  const int end = parse_clock(trim(t.substr(dash + 1)));
  if (start == -1 || end == -1) return Error{"\"" + text + "\" is not a time window" + form};
  if (start < 0 || end < 0) {
    return Error{"\"" + text + "\" has a time outside 00:00-23:59" + form};
  }
  if (start == end) {
    return Error{"\"" + text + "\" starts and ends at the same time" + form};
  }
  return std::optional<QuietHours>{QuietHours{start, end}};
}

Result<TimeZone> TimeZone::find(const std::string& iana_name) {
  // UTC needs no database, so the default works even where tzdata is not installed.
  if (iana_name == "UTC" || iana_name == "Etc/UTC") return TimeZone(iana_name, nullptr);
  const std::string form = " (use an IANA name such as Europe/Berlin)";
  if (iana_name.empty()) return Error{"empty time zone" + form};
  try {
    const date::time_zone* zone = date::locate_zone(iana_name);
    return TimeZone(iana_name, zone);
  } catch (const std::exception&) {
    return Error{"unknown time zone '" + iana_name + "'" + form};
  }
}

TimeZone TimeZone::utc() { return TimeZone("UTC", nullptr); }

Duration TimeZone::offset_at(Time t) const {
  if (zone_ == nullptr) return Duration{0};
  const days shift = cycles_to_shift(date::floor<days>(t));
  return zone_->get_info(t - shift).offset;
}

Time TimeZone::local_to_utc(Time local, bool later) const {
  if (zone_ == nullptr) return local;
  const date::local_time<Duration> wall{local.time_since_epoch()};
  const days shift = cycles_to_shift(date::floor<days>(local));
  const auto pick = later ? date::choose::latest : date::choose::earliest;
  return date::floor<Duration>(zone_->to_sys(wall - shift, pick)) + shift;
}

bool in_quiet_hours(const Policy& p, Time t) {
  if (!p.quiet_hours) return false;
  const Time wall = wall_clock(p.time_zone, t);
  const auto minute_of_day = date::floor<minutes>(wall - date::floor<days>(wall)).count();
  return in_window(*p.quiet_hours, static_cast<int>(minute_of_day));
}

Time next_send_time(const Policy& p, Time t) {
  if (!in_quiet_hours(p, t)) return t;
  const QuietHours& q = *p.quiet_hours;
  const Time wall = wall_clock(p.time_zone, t);
  auto day = date::floor<days>(wall);
  const auto minute_of_day = date::floor<minutes>(wall - day).count();
  // A window that crosses midnight and was entered this evening ends tomorrow morning.
  if (q.start_minute > q.end_minute && minute_of_day >= q.start_minute) day += days{1};
  const Time end = day + minutes{q.end_minute};
  // When DST ends the end time can occur twice; take the first occurrence still ahead of t.
  const Time earliest = p.time_zone.local_to_utc(end, false);
  if (earliest > t) return earliest;
  return p.time_zone.local_to_utc(end, true);
}

bool in_cooldown(const Policy& p, const Customer& c, Time now) {
  return c.last_request_at.has_value() && now - *c.last_request_at < p.cooldown;
}

}  // namespace reviewbot::core
