// reviewbot: wires configuration, store, engine, HTTP server, dispatcher and (optionally)
// the getUpdates poller, then waits for SIGTERM/SIGINT and shuts down in order.
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "reviewbot/admin/metrics_handler.h"
#include "reviewbot/admin/owner_login.h"
#include "reviewbot/config/config.h"
#include "reviewbot/config/logging.h"
#include "reviewbot/config/template_loader.h"
#include "reviewbot/core/clock.h"
#include "reviewbot/core/engine.h"
#include "reviewbot/delivery/dispatcher.h"
#include "reviewbot/http/server.h"
#include "reviewbot/platform/api_probe.h"
#include "reviewbot/platform/telegram/bot_api_client.h"
#include "reviewbot/platform/telegram/update_parser.h"
#include "reviewbot/platform/telegram/update_poller.h"
#include "reviewbot/platform/webhook_setup.h"
#include "reviewbot/service/routes.h"
#include "reviewbot/store/intake.h"
#include "reviewbot/store/pg_store.h"
#include "reviewbot/store/sqlite_store.h"

namespace {

using namespace reviewbot;
using config::log_fields;

int fail(const std::string& message) {
  std::fprintf(stderr, "reviewbot: %s\n", message.c_str());
  return 2;
}

std::unique_ptr<platform::PlatformClient> make_client(const config::Config& cfg) {
  platform::telegram::BotApiOptions options;
  options.api_url = cfg.telegram_api_url;
  options.token = cfg.telegram_bot_token;
  options.request_timeout = cfg.telegram_api_timeout;
  return std::make_unique<platform::telegram::BotApiClient>(options);
}

// getMe with a few quick retries: the bot's username makes the /v1/links URLs. A rejected
// token is fatal; an unreachable API is not (links then answer without a URL).
std::optional<std::string> bot_username(platform::PlatformClient& client, bool& token_rejected) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto me = client.get_me();
    if (me.ok()) return me->username;
    spdlog::warn(log_fields({{"msg", "getMe failed"}, {"error", me.error().message}}));
    if (me.error().message.find("(HTTP 401)") != std::string::npos ||
        me.error().message.find("Unauthorized") != std::string::npos) {
      token_rejected = true;
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
  }
  return std::nullopt;
}

// SQLite for one process (a laptop, the demo), PostgreSQL for production and several
// instances; both apply their migrations before this returns.
core::Result<std::unique_ptr<store::Store>> open_store(const config::Config& cfg) {
  if (cfg.database.kind == config::DatabaseTarget::Kind::kSqlite) {
    auto opened = store::SqliteStore::open(cfg.database.sqlite_path);
    if (!opened) return opened.error();
    return std::unique_ptr<store::Store>(std::move(opened).value());
  }
  store::PgOptions options;
  options.params = cfg.database.libpq_params;
  options.description = cfg.database.redacted;
  options.business_id = cfg.business_id;
  options.pool_size = cfg.database_pool_size;
  auto opened = store::PgStore::open(std::move(options));
  if (!opened) return opened.error();
  return std::unique_ptr<store::Store>(std::move(opened).value());
}

// A name for this instance's outbox claims when neither INSTANCE_ID nor DYNO is set:
// stable across restarts on one host and port; with PORT=0 the process id tells apart
// instances on one host (their claims then lapse with the lease after a restart).
std::string default_instance_id(int port) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  std::string id = host;
  id = id.substr(0, 60);
  return id + ":" + (port != 0 ? std::to_string(port) : "pid" + std::to_string(getpid()));
}

// Shutdown must end well inside the platform's grace period (Heroku: 30 s, then SIGKILL).
constexpr auto kShutdownLimit = std::chrono::seconds(9);
constexpr auto kIntakeDrainLimit = std::chrono::seconds(5);
// getUpdates long-poll length; stopping the poller waits for the poll in progress.
constexpr int kPollTimeoutSeconds = 5;

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

template <typename Step>
void timed_phase(const char* name, Step&& step) {
  const auto start = std::chrono::steady_clock::now();
  step();
  spdlog::info(log_fields(
      {{"msg", "shutdown phase done"}, {"phase", name}, {"duration_ms", elapsed_ms(start)}}));
}

// Ends the process with status 1 if shutdown has not finished within `limit` (a Bot API
// call can take up to its request timeout). Nothing is lost: claimed outbox rows are
// released and sent again at the next start.
class ShutdownWatchdog {
 public:
  explicit ShutdownWatchdog(std::chrono::seconds limit)
      : thread_([this, limit] {
          std::unique_lock lock(mu_);
          if (!done_cv_.wait_for(lock, limit, [this] { return done_; })) {
            spdlog::error(
                log_fields({{"msg", "shutdown took too long; exiting with work in flight"},
                            {"limit_s", limit.count()}}));
            spdlog::default_logger()->flush();
            std::_Exit(1);
          }
        }) {}
  ~ShutdownWatchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    done_cv_.notify_all();
    thread_.join();
  }
  ShutdownWatchdog(const ShutdownWatchdog&) = delete;
  ShutdownWatchdog& operator=(const ShutdownWatchdog&) = delete;

 private:
  std::mutex mu_;  // guards done_
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;  // last: started after the members it uses
};

}  // namespace

int main(int argc, char** argv) {
  const core::Time started_at = core::SystemClock().now();  // for /metrics
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(config::usage().c_str(), stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--version") == 0) {
      std::puts("reviewbot " REVIEWBOT_VERSION);
      return 0;
    }
  }
  auto loaded = config::load(argc, argv, [](const char* name) { return std::getenv(name); });
  if (!loaded.ok()) return fail(loaded.error().message + "\n(see reviewbot --help)");
  config::Config cfg = std::move(loaded).value();
  if (cfg.instance_id.empty()) cfg.instance_id = default_instance_id(cfg.port);
  if (cfg.telegram_bot_token.empty()) {
    return fail(
        "TELEGRAM_BOT_TOKEN is required (the token from @BotFather; for a demo without "
        "Telegram, run scripts/run, which starts mock_platform)");
  }

  // Many pool threads each get a malloc arena; a high trim threshold stops glibc from
  // returning memory to the OS (madvise) several times per request.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  config::setup_logging(cfg.log_format, cfg.log_level);
  spdlog::info(config::config_summary(cfg));

  auto templates = config::load_templates(cfg.templates_dir);
  if (!templates.ok()) return fail("TEMPLATES_DIR: " + templates.error().message);

  auto opened = open_store(cfg);
  if (!opened.ok()) return fail("DATABASE_URL: " + opened.error().message);
  std::unique_ptr<store::Store> db = std::move(opened).value();

  if (auto init = platform::telegram::BotApiClient::global_init(); !init.ok()) {
    return fail(init.error().message);
  }

  // Block the stop signals before any thread starts so only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto startup_client = make_client(cfg);
  bool token_rejected = false;
  const std::optional<std::string> username = bot_username(*startup_client, token_rejected);
  if (token_rejected) return fail("TELEGRAM_BOT_TOKEN: the Bot API rejected this token");
  // /readyz reports "platform" failing until the Bot API has answered getMe once.
  platform::ApiProbe api_probe(make_client(cfg), username.has_value());

  // Deep links and owner links are signed with LINK_SECRET, else with a secret the database
  // keeps: the bot token of the first start (what links were signed with before
  // LINK_SECRET existed), so rotating the token later breaks no printed link.
  std::string link_secret = cfg.link_secret;
  if (link_secret.empty()) {
    auto kept = db->keep_key("link_secret", cfg.telegram_bot_token);
    if (!kept.ok()) return fail("DATABASE_URL: " + kept.error().message);
    link_secret = std::move(kept).value();
  }

  core::SystemClock clock;
  // Owner alerts link to the review's page when the dashboard has a public address.
  core::EngineSettings settings{cfg.business_name, cfg.review_url, cfg.owner_chat_id, link_secret,
                                cfg.public_url.empty() ? "" : cfg.public_url + "/admin"};
  const core::Engine engine(cfg.policy, settings, *templates);
  store::Intake intake(engine, *db, clock);

  delivery::DispatcherSettings delivery_settings;
  delivery_settings.rate.per_bot = cfg.send_rate;
  delivery_settings.rate.per_chat_interval = cfg.chat_send_interval;
  delivery_settings.instance_id = cfg.instance_id;
  // The engine decides what delivery results mean (a 403 closes the chat, ...).
  delivery::Dispatcher dispatcher(
      *db, clock, make_client(cfg), delivery_settings, {},
      [&intake](const store::OutboxRow& row, const store::DeliveryOutcome& outcome) {
        return intake.follow_up(row, outcome);
      });
  // Sends left in flight by the last process are settled by the in-doubt policy.
  if (auto recovered = dispatcher.recover(); !recovered.ok()) {
    return fail("DATABASE_URL: " + recovered.error().message);
  }
  // Rows other instances write wake the dispatcher too (PostgreSQL LISTEN/NOTIFY).
  db->watch([&dispatcher] { dispatcher.notify(); });
  // Webhooks, events and the poller all commit through the intake, then wake the dispatcher.
  const auto notify_dispatcher = [&dispatcher](core::Time due) { dispatcher.notify(due); };
  const http::AcceptFn accept = http::accept_through(intake, notify_dispatcher);
  const http::SubmitFn submit = http::submit_through(intake, notify_dispatcher);

  http::ServerSettings server_settings;
  server_settings.port = cfg.port;
  server_settings.host = cfg.host;
  server_settings.webhook_secret = cfg.telegram_webhook_secret;
  server_settings.admin_token = cfg.admin_token;
  server_settings.events_secret = cfg.events_secret;
  admin::OwnerLogin owner_login(*db, clock, admin::LoginSettings{.admin_token = cfg.admin_token});
  http::HttpServer server(
      server_settings,
      service::service_routes(service::RouteSources{
          .store = *db,
          .clock = clock,
          .accept = accept,
          .submit = submit,
          .parse_update = service::telegram_update_parser(),
          .make_start_parameter = service::signed_start_parameters(),
          // "platform" fails while the delivery circuit breaker is open (the Bot API looks
          // down) and until getMe has answered once; "database" fails while it takes no
          // writes.
          .readiness =
              [&db, &dispatcher, &api_probe] {
                const bool platform_up =
                    dispatcher.platform_state() != delivery::CircuitBreaker::State::kOpen &&
                    api_probe.answered();
                return http::Readiness{
                    {{"database", db->ping()}, {"templates", true}, {"platform", platform_up}}};
              },
          .metrics =
              [sources =
                   admin::MetricsSources{dispatcher, intake.counters(), *db, clock, started_at}] {
                return admin::collect_metrics(sources);
              },
          .bot_username = username.value_or(""),
          .link_secret = link_secret,
          .owner_login = &owner_login,
          .desk = db.get(),
          .templates = &*templates,
          .owner_chat_id = cfg.owner_chat_id,
          .business_name = cfg.business_name}));
  if (cfg.policy.quiet_hours &&
      (cfg.policy.time_zone.name() == "UTC" || cfg.policy.time_zone.name() == "Etc/UTC")) {
    spdlog::warn(log_fields(
        {{"msg",
          "quiet hours run in UTC: set TIMEZONE to the shop's zone (e.g. America/Los_Angeles), "
          "or requests may arrive at night there"}}));
  }
  if (auto started = server.start(); !started.ok()) return fail("PORT: " + started.error().message);
  spdlog::info(log_fields({{"msg", "listening"}, {"port", server.port()}}));

  dispatcher.start();
  std::unique_ptr<platform::telegram::UpdatePoller> poller;
  if (cfg.updates_mode == config::Config::UpdatesMode::kPolling) {
    if (auto deleted = startup_client->delete_webhook(); !deleted.ok()) {
      spdlog::warn(
          log_fields({{"msg", "deleteWebhook failed"}, {"error", deleted.error().message}}));
    }
    poller = std::make_unique<platform::telegram::UpdatePoller>(make_client(cfg), accept,
                                                                kPollTimeoutSeconds);
    poller->start();
    spdlog::info(log_fields({{"msg", "polling for updates"}}));
  } else if (!cfg.public_url.empty()) {
    platform::WebhookSettings hook;
    hook.url = cfg.public_url + "/webhook/telegram";
    hook.secret_token = cfg.telegram_webhook_secret;
    hook.max_connections = cfg.webhook_max_connections;
    hook.allowed_updates = platform::telegram::handled_update_types();
    (void)platform::register_webhook(*startup_client, hook);  // it logs what went wrong
  } else {
    // Nothing registers a webhook: Telegram sends updates only to one set elsewhere.
    spdlog::warn(log_fields(
        {{"msg",
          "webhook mode without PUBLIC_URL: reviewbot does not register a webhook, so "
          "customers' messages arrive only if one was set to <public address>/webhook/telegram "
          "by other means; set PUBLIC_URL, or UPDATES_MODE=polling on a machine without a "
          "public address"}}));
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const auto shutdown_start = std::chrono::steady_clock::now();
  spdlog::info(log_fields({{"msg", "shutting down"}, {"signal", strsignal(signal_number)}}));
  const ShutdownWatchdog watchdog(kShutdownLimit);
  // Inputs first (new ones get 503 + Retry-After and are sent again later), then the
  // ones in flight, then the outbox send in progress; the database closes last.
  timed_phase("stop accepting", [&] {
    server.begin_drain();
    if (poller) poller->stop();
  });
  timed_phase("finish inputs in flight", [&] {
    if (!server.wait_for_intake(kIntakeDrainLimit)) {
      spdlog::warn(log_fields({{"msg", "inputs still in flight after the drain limit"}}));
    }
  });
  timed_phase("stop http server", [&] { server.stop(); });
  timed_phase("stop dispatcher", [&] { dispatcher.stop(); });
  timed_phase("close database", [&] { db.reset(); });
  spdlog::info(log_fields({{"msg", "stopped"}, {"duration_ms", elapsed_ms(shutdown_start)}}));
  return 0;
}
