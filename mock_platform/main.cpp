// mock_platform: wires options, the server and signal handling. See README.md.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <iostream>
#include <thread>

#include "mock_platform/options.h"
#include "mock_platform/server.h"

namespace {

// How long a stop may wait for idle keep-alive connections before the process just exits
// (httplib only notices a stop on those after its keep-alive timeout).
constexpr auto kShutdownGrace = std::chrono::seconds(2);

}  // namespace

int main(int argc, char** argv) {
  using namespace mock_platform;
  auto options = parse_options(std::vector<std::string>(argv + 1, argv + argc),
                               {.mock_port = std::getenv("MOCK_PORT"),
                                .reviewbot_url = std::getenv("REVIEWBOT_URL"),
                                .admin_token = std::getenv("ADMIN_TOKEN")});
  if (!options) {
    std::cerr << "mock_platform: " << options.error().description << "\n";
    return 2;
  }
  if (options->help) {
    std::cout << usage();
    return 0;
  }

  auto logger = spdlog::stdout_logger_mt("mock_platform");
  logger->set_pattern("%v");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);

  // Many worker threads: keep glibc from trimming per-thread arenas on every request.
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);

  // Only this thread takes SIGINT/SIGTERM (with sigwait); every thread started below
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  MockServer server(*options);
  auto port = server.bind();
  if (!port) {
    spdlog::error(R"({{"msg":"bind failed","error":{}}})",
                  nlohmann::json(port.error().description).dump());
    return 1;
  }
  spdlog::info(nlohmann::json{{"msg", "listening"}, {"port", *port}}.dump());

  auto served = std::async(std::launch::async, [&] {
    const bool ok = server.run();
    // Wake the sigwait below if the server ended on its own.
    kill(getpid(), SIGTERM);
    return ok;
  });
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();
  if (served.wait_for(kShutdownGrace) != std::future_status::ready) {
    spdlog::info(R"({"msg":"stopped","idle_connections_dropped":true})");
    std::_Exit(0);
  }
  const bool ok = served.get();
  spdlog::info(R"({"msg":"stopped"})");
  return ok ? 0 : 1;
}
