// Command-line options of load_driver, parsed once in main. A plain struct with defaults;
// parse_options reports the first bad flag by name.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace load {

enum class Trigger { kSale, kThanks };

struct Options {
  std::string mock_url;       // mock_platform base URL, e.g. http://127.0.0.1:8081
  std::string reviewbot_url;  // reviewbot base URL, e.g. http://127.0.0.1:8080
  // Every --reviewbot given, in order (instances on one database); reviewbot_url is the
  // first. Worker w posts to reviewbot_urls[w % size]; reads go to the first.
  std::vector<std::string> reviewbot_urls;
  std::string admin_token;  // bearer token for reviewbot's /v1/*
  int customers = 20;
  int concurrency = 8;  // worker threads; each runs one customer's flow at a time
  Trigger trigger = Trigger::kSale;
  int rating = 0;           // 1..5 presses that rating; 0 = deterministic mix 1..5
  int timeout_s = 120;      // deadline of the whole run; unfinished flows count as lost
  int step_timeout_s = 10;  // longest wait for one bot message
  int poll_ms = 10;         // transcript poll interval while waiting
  std::string run_id;       // prefix of event ids; empty = derived from the clock
  bool json = false;        // print the report as JSON instead of text
  bool burst = false;       // the burst benchmark (load/burst.h) instead of whole flows
};

// The usage text printed by --help and after a bad flag.
std::string usage();

// Parses argv. Returns the options, or an error message naming the offending flag.
// `--help` yields the message "help".
std::variant<Options, std::string> parse_options(int argc, char** argv);

const char* to_string(Trigger trigger);

}  // namespace load
