// mock_platform: wires options, the server and signal handling. See README.md.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "mock_platform/options.h"
#include "mock_platform/server.h"

int main(int argc, char** argv) {
  using namespace mock_platform;
  auto options =
      parse_options(std::vector<std::string>(argv + 1, argv + argc), std::getenv("MOCK_PORT"));
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

  // Signals are taken by one thread with sigwait; every other thread blocks them.
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

  std::atomic<bool> signalled{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    server.stop();
  });
  const bool ok = server.run();
  if (!signalled) pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  server.stop();
  spdlog::info(R"({"msg":"stopped"})");
  return ok || signalled ? 0 : 1;
}
