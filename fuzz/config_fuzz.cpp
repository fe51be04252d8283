// Configuration values, as an operator types them into Heroku's settings: the input is
// lines of NAME=VALUE (the environment) and --flag=VALUE (the command line). config::load
// and the value parsers never crash, an error always says something, and no error message
// repeats a secret (bot token, webhook secret, admin token, events secret, database
// password), since startup errors are logged.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "reviewbot/config/config.h"
#include "reviewbot/config/database_url.h"

namespace config = reviewbot::config;

namespace {

constexpr const char* kSecrets[] = {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "ADMIN_TOKEN",
                                    "EVENTS_SECRET", "LINK_SECRET"};

// Whether the error lines about variable `name` ("NAME: ...", one line per variable)
// repeat `secret`. Other lines may quote their own values, which may equal it by chance.
// A secret made only of lower-case letters, spaces and punctuation can be a word of the
// message itself (" space" is in "must not contain spaces"), so such a value proves
// nothing; an echoed secret shows with any value that has a digit or a capital.
bool mentions(const std::string& message, const std::string& name, const std::string& secret) {
  const bool could_be_prose =
      secret.find_first_not_of("abcdefghijklmnopqrstuvwxyz ,.;:()-\"'") == std::string::npos;
  // A very short one ("2") is in the message by chance ("openssl rand -hex 32").
  if (could_be_prose || secret.size() < 4) return false;
  std::size_t start = 0;
  while (start < message.size()) {
    auto end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    const std::string_view line(message.data() + start, end - start);
    if (line.starts_with(name + ":") && line.substr(name.size() + 1).find(secret) != line.npos) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> env;
  std::vector<std::string> args{"reviewbot"};
  std::size_t start = 0;
  while (start <= input.size()) {
    auto end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    const std::string line = input.substr(start, end - start);
    start = end + 1;
    if (line.rfind("--", 0) == 0) {
      args.push_back(line);
    } else if (const auto eq = line.find('='); eq != std::string::npos) {
      env[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const auto loaded =
      config::load(static_cast<int>(argv.size()), argv.data(), [&](const char* name) {
        const auto it = env.find(name);
        return it == env.end() ? static_cast<const char*>(nullptr) : it->second.c_str();
      });
  if (!loaded) {
    const std::string& message = loaded.error().message;
    FUZZ_CHECK(!message.empty());
    for (const char* name : kSecrets) {
      if (const auto it = env.find(name); it != env.end()) {
        FUZZ_CHECK(!mentions(message, name, it->second));
      }
    }
  }

  // The whole input as one value of the parsers with their own grammar.
  (void)config::parse_duration(input);
  const auto target = config::parse_database_url(input);
  if (target) {
    // The redacted form keeps everything but the password: read back, its password is the
    // redaction mark "***". (The password's bytes may well appear elsewhere in it, e.g. in
    // a host name, so searching the text for them proves nothing.)
    if (const auto again = config::parse_database_url(target->redacted)) {
      for (const auto& [key, value] : again->libpq_params) {
        if (key == "password") FUZZ_CHECK(value.find_first_not_of('*') == std::string::npos);
      }
    }
  } else {
    FUZZ_CHECK(!target.error().message.empty());
  }
  return 0;
}
