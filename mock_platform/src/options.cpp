#include "mock_platform/options.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "mock_platform/utf8.h"

namespace mock_platform {

namespace {

constexpr std::size_t kMaxNameUnits = 64;  // Telegram's first_name limit

ApiError option_error(const std::string& what) { return {400, what, {}}; }

std::optional<std::int64_t> to_int(const std::string& s) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Status parse_int(const std::string& name, const std::string& value, std::int64_t min,
                 std::int64_t max, auto& out) {
  const auto v = to_int(value);
  if (!v || *v < min || *v > max) {
    return option_error(name + " must be an integer in " + std::to_string(min) + ".." +
                        std::to_string(max) + ", got \"" + value + "\"");
  }
  out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
  return Ok{};
}

// The numeric id part of a "123456:ABC…" token, if any.
std::optional<std::int64_t> bot_id_of(const std::string& token) {
  return to_int(token.substr(0, token.find(':')));
}

}  // namespace

std::string usage() {
  return R"(mock_platform: a Telegram Bot API simulator for demos, tests and load.

Usage: mock_platform [flags]

  --port N              port to listen on (env MOCK_PORT; default 8081; 0 = any free port)
  --host ADDR           address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --token T             accept only this bot token (others get 401); default: any token
  --bot-username NAME   getMe username (default reviewbot_demo_bot)
  --owner-name NAME     first name of the simulated shop owner, user id 1000000, who gets
                        reviewbot's alerts (default "Shop owner"; '' = no owner user)
  --threads N           HTTP worker threads (default 128)
  --keep-alive-seconds N  how long an idle client connection stays open (default 30)
  --webhook-timeout-ms N  per-attempt webhook timeout (default 10000)
  --backoff-initial-ms N  first webhook retry delay (default 100, doubling)
  --backoff-max-ms N      cap of the webhook retry delay (default 5000)
  --max-poll-seconds N    cap of getUpdates' long-poll timeout (default 50)
  --fault JSON          add a fault rule at start, same form as POST /_mock/faults
                        (repeatable), e.g. --fault '{"method":"sendMessage","status":500,"count":2}'
  --seed N              seed for fault rates (default 42)
  --rate-limits         enforce Telegram's flood limits: more than 30 message calls
                        (sends, edits, callback answers) in any second, or two to one chat
                        within 1 s, get 429 "Too Many Requests: retry after N"
  --rate-limit-per-bot N  calls allowed in any one second (default 30; implies --rate-limits)
  --rate-limit-chat-interval-ms N  least time between two calls to a chat (default 1000;
                        implies --rate-limits)
  --reviewbot-url URL   reviewbot's base URL, where the page's till sends sale events
                        (env REVIEWBOT_URL; default http://127.0.0.1:8080)
  --reviewbot-admin-token T  bearer token for reviewbot's /v1/events (env ADMIN_TOKEN)
  --help                this text

Environment:
  MOCK_PORT             port, when --port is not given
  REVIEWBOT_URL         --reviewbot-url, when the flag is not given
  ADMIN_TOKEN           --reviewbot-admin-token, when the flag is not given

The chat page is at / ; Bot API: POST or GET /bot<token>/<method>; control API:
/_mock/... (see README.md).
Logs one JSON line per event on stdout, first {"msg":"listening","port":N}.
)";
}

Result<Options> parse_options(const std::vector<std::string>& args, const OptionsEnv& env) {
  Options o;
  if (env.mock_port != nullptr && *env.mock_port != '\0') {
    if (auto st = parse_int("MOCK_PORT", env.mock_port, 0, 65535, o.port); !st) return st.error();
  }
  std::string reviewbot_url_source = "REVIEWBOT_URL";
  if (env.reviewbot_url != nullptr && *env.reviewbot_url != '\0') {
    o.till.reviewbot_url = env.reviewbot_url;
  }
  if (env.admin_token != nullptr) o.till.admin_token = env.admin_token;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (flag == "--rate-limits" && !inline_value) {
      o.rate.enabled = true;
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return option_error(flag + " needs a value; see --help");
    }
    Status st = Ok{};
    if (flag == "--port") {
      st = parse_int(flag, value, 0, 65535, o.port);
    } else if (flag == "--host") {
      o.host = value;
    } else if (flag == "--token") {
      if (value.empty()) return option_error("--token must not be empty");
      o.token = value;
    } else if (flag == "--bot-username") {
      if (value.empty()) return option_error("--bot-username must not be empty");
      o.bot_username = value;
    } else if (flag == "--owner-name") {
      const auto units = utf16_length(value);
      if (!units || *units > kMaxNameUnits) {
        return option_error("--owner-name must be UTF-8 text of at most 64 characters");
      }
      o.owner_name = value;
    } else if (flag == "--threads") {
      st = parse_int(flag, value, 1, 4096, o.threads);
    } else if (flag == "--keep-alive-seconds") {
      st = parse_int(flag, value, 0, 3600, o.keep_alive_seconds);
    } else if (flag == "--webhook-timeout-ms") {
      std::int64_t ms = 0;
      st = parse_int(flag, value, 1, 600000, ms);
      o.delivery.timeout = std::chrono::milliseconds(ms);
    } else if (flag == "--backoff-initial-ms") {
      std::int64_t ms = 0;
      st = parse_int(flag, value, 1, 600000, ms);
      o.delivery.backoff_initial = std::chrono::milliseconds(ms);
    } else if (flag == "--backoff-max-ms") {
      std::int64_t ms = 0;
      st = parse_int(flag, value, 1, 3600000, ms);
      o.delivery.backoff_max = std::chrono::milliseconds(ms);
    } else if (flag == "--max-poll-seconds") {
      st = parse_int(flag, value, 0, 3600, o.max_poll_seconds);
    } else if (flag == "--rate-limit-per-bot") {
      st = parse_int(flag, value, 1, 100000, o.rate.per_bot);
      o.rate.enabled = true;
    } else if (flag == "--rate-limit-chat-interval-ms") {
      std::int64_t ms = 0;
      st = parse_int(flag, value, 0, 600000, ms);
      o.rate.chat_interval = std::chrono::milliseconds(ms);
      o.rate.enabled = true;
    } else if (flag == "--seed") {
      st = parse_int(flag, value, 0, INT64_MAX, o.seed);
    } else if (flag == "--reviewbot-url") {
      o.till.reviewbot_url = value;
      reviewbot_url_source = flag;
    } else if (flag == "--reviewbot-admin-token") {
      o.till.admin_token = value;
    } else if (flag == "--fault") {
      auto j = nlohmann::json::parse(value, nullptr, false);
      if (j.is_discarded()) return option_error("--fault must be a JSON object, got " + value);
      auto rule = parse_fault_rule(j);
      if (!rule) return option_error("--fault: " + rule.error().description);
      o.faults.push_back(std::move(rule).value());
    } else {
      return option_error("unknown flag " + flag + "; see --help");
    }
    if (!st) return st.error();
  }
  if (!parse_webhook_url(o.till.reviewbot_url)) {
    return option_error(reviewbot_url_source + " must be an http:// or https:// URL, got \"" +
                        o.till.reviewbot_url + "\"");
  }
  if (o.delivery.backoff_max < o.delivery.backoff_initial) {
    return option_error("--backoff-max-ms must not be below --backoff-initial-ms");
  }
  return o;
}

// Used by the server to derive getMe's id from --token.
std::optional<std::int64_t> token_bot_id(const std::string& token) { return bot_id_of(token); }

}  // namespace mock_platform
