// load_driver: runs simulated customers through reviewbot's review flow via mock_platform
// and prints throughput, latency per step and correctness counts. See bench/README.md.
#include <cstdio>
#include <variant>

#include "load/burst.h"
#include "load/options.h"
#include "load/report.h"
#include "load/runner.h"
#include "load/verify.h"

int main(int argc, char** argv) {
  auto parsed = load::parse_options(argc, argv);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    const bool help = *message == "help";
    if (!help) std::fprintf(stderr, "load_driver: %s\n", message->c_str());
    std::fputs(load::usage().c_str(), help ? stdout : stderr);
    return help ? 0 : 2;
  }
  const load::Options& options = std::get<load::Options>(parsed);
  if (options.burst) {
    const load::BurstResult burst = load::run_burst(options);
    std::fputs(load::format_burst(options, burst).c_str(), stdout);
    return load::burst_passed(burst, options) ? 0 : 1;
  }

  const load::RunResult run = load::run_customers(options);
  const load::Verification verification = load::verify(options, run.flows);
  const load::Report report{options, run, verification};
  if (options.json) {
    std::puts(load::to_json(report).dump(2).c_str());
  } else {
    std::fputs(load::format_text(report).c_str(), stdout);
  }
  return load::passed(report) ? 0 : 1;
}
