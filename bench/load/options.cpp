#include "load/options.h"

#include <charconv>
#include <chrono>
#include <cstring>

namespace load {
namespace {

bool parse_int(const std::string& text, int min, int max, int& out) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  out = value;
  return true;
}

bool is_loopback_url(const std::string& url) {
  return url.rfind("http://127.0.0.1:", 0) == 0 || url.rfind("http://localhost:", 0) == 0;
}

std::string default_run_id() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return "load" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

const char* to_string(Trigger trigger) { return trigger == Trigger::kSale ? "sale" : "thanks"; }

std::string usage() {
  return "usage: load_driver --mock URL --reviewbot URL --admin-token T [options]\n"
         "Runs simulated customers through reviewbot's review flow via mock_platform and\n"
         "reports throughput, latency per step and correctness counts.\n"
         "\n"
         "  --mock URL            mock_platform base URL (http://127.0.0.1:PORT)\n"
         "  --reviewbot URL       reviewbot base URL (http://127.0.0.1:PORT); repeat it for\n"
         "                        instances on one database: workers take turns posting to\n"
         "                        each, reads go to the first\n"
         "  --admin-token T       reviewbot ADMIN_TOKEN (for /v1/events, /v1/stats, /v1/reviews)\n"
         "  --customers N         simulated customers (default 20)\n"
         "  --concurrency C       worker threads, one flow at a time each (default 8)\n"
         "  --trigger sale|thanks start with a sale event or a \"thank you!\" (default sale)\n"
         "  --rating R            press R (1-5) every time; default: a mix 1,2,3,4,5,1,...\n"
         "  --timeout-s S         deadline of the whole run (default 120)\n"
         "  --step-timeout-s S    longest wait for one bot message (default 10)\n"
         "  --poll-ms MS          transcript poll interval (default 10)\n"
         "  --run-id ID           prefix of event ids (default: from the clock)\n"
         "  --json                print the report as JSON\n"
         "  --burst               instead of whole flows: post every sale event at once, wait\n"
         "                        until every request is sent, report acks and the send rate\n"
         "                        (mock_platform should run with --rate-limits)\n"
         "Exit status: 0 all flows completed with no duplicates (--burst: all acked, each\n"
         "customer one request, no 429, at most 30 calls in any second), 1 otherwise, 2 bad\n"
         "usage.\n";
}

std::variant<Options, std::string> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return std::string("help");
    if (flag == "--json") {
      o.json = true;
      continue;
    }
    if (flag == "--burst") {
      o.burst = true;
      continue;
    }
    if (i + 1 >= argc) return flag + ": missing value";
    const std::string value = argv[++i];
    bool ok = true;
    if (flag == "--mock") {
      o.mock_url = value;
      ok = is_loopback_url(value);
    } else if (flag == "--reviewbot") {
      o.reviewbot_urls.push_back(value);
      ok = is_loopback_url(value);
    } else if (flag == "--admin-token") {
      o.admin_token = value;
    } else if (flag == "--customers") {
      ok = parse_int(value, 1, 1000000, o.customers);
    } else if (flag == "--concurrency") {
      ok = parse_int(value, 1, 1024, o.concurrency);
    } else if (flag == "--trigger") {
      ok = value == "sale" || value == "thanks";
      o.trigger = value == "thanks" ? Trigger::kThanks : Trigger::kSale;
    } else if (flag == "--rating") {
      ok = parse_int(value, 1, 5, o.rating);
    } else if (flag == "--timeout-s") {
      ok = parse_int(value, 1, 86400, o.timeout_s);
    } else if (flag == "--step-timeout-s") {
      ok = parse_int(value, 1, 3600, o.step_timeout_s);
    } else if (flag == "--poll-ms") {
      ok = parse_int(value, 1, 10000, o.poll_ms);
    } else if (flag == "--run-id") {
      o.run_id = value;
      ok = !value.empty() && value.size() <= 32;
    } else {
      return flag + ": unknown flag";
    }
    if (!ok) {
      if (flag == "--mock" || flag == "--reviewbot") {
        return flag + ": expected http://127.0.0.1:PORT (load goes to loopback only)";
      }
      return flag + ": bad value '" + value + "'";
    }
  }
  if (o.mock_url.empty()) return std::string("--mock is required");
  if (o.reviewbot_urls.empty()) return std::string("--reviewbot is required");
  o.reviewbot_url = o.reviewbot_urls.front();
  if (o.admin_token.empty()) return std::string("--admin-token is required");
  if (o.run_id.empty()) o.run_id = default_run_id();
  return o;
}

}  // namespace load
