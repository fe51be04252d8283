#include "reviewbot/http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "request_counts.h"
#include "request_tracker.h"
#include "reviewbot/admin/metrics_handler.h"
#include "reviewbot/admin/review_csv.h"
#include "reviewbot/admin/reviews_handler.h"
#include "reviewbot/admin/stats_handler.h"
#include "reviewbot/http/admin_guard.h"
#include "reviewbot/http/events_handler.h"
#include "reviewbot/http/request_id.h"
#include "sockets.h"

namespace reviewbot::http {
namespace {

using httplib::Request;
using httplib::Response;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kRequestIdHeader = "X-Request-Id";
// A rejected body is read and dropped up to this multiple of the limit so the connection
// stays usable; beyond it the read is abandoned.
constexpr std::size_t kDrainFactor = 16;
// How long stop() waits for requests being handled to write their responses.
constexpr std::chrono::seconds kStopWriteLimit{5};

// Each request is handled start to finish on one pool thread, so the pre-routing hook can
// hand its start time to the logger this way.
thread_local std::optional<SteadyTime> t_request_start;

// Exposes the listening socket, which 0.11.4 keeps protected.
class ListeningServer : public httplib::Server {
 public:
  int listening_socket() const { return svr_sock_; }
};

// Methods per known path, for 405 and Allow.
const std::map<std::string, std::string>& allowed_methods() {
  static const std::map<std::string, std::string> kAllowed = {
      {"/webhook/telegram", "POST"}, {"/v1/events", "POST"},     {"/v1/links", "POST"},
      {"/v1/reviews", "GET, HEAD"},  {"/v1/stats", "GET, HEAD"}, {"/healthz", "GET, HEAD"},
      {"/readyz", "GET, HEAD"},      {"/metrics", "GET, HEAD"}};
  return kAllowed;
}

// Every route's path (all are exact paths), for the request counts.
std::vector<std::string> route_paths() {
  std::vector<std::string> paths;
  for (const auto& entry : allowed_methods()) paths.push_back(entry.first);
  return paths;
}

std::optional<std::string_view> header(const Request& req, const char* name) {
  const auto it = req.headers.find(name);
  if (it == req.headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string_view header_or_empty(const Request& req, const char* name) {
  return header(req, name).value_or(std::string_view());
}

void apply(const Reply& reply, Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, reply.content_type);
}

enum class BodyStatus { kOk, kTooLarge, kUnreadable };

// Reads the body into `out` (or drops it when out is null) within `max` bytes. Also
// catches what httplib rejects itself (Content-Length over the payload limit → 413).
BodyStatus read_body(const Request& req, Response& res, const httplib::ContentReader& reader,
                     std::size_t max, std::string* out) {
  std::size_t seen = 0;
  bool too_large = false;
  const auto receive = [&](const char* data, std::size_t n) {
    seen += n;
    if (out == nullptr || too_large) return seen <= max * kDrainFactor;
    if (seen > max) {
      too_large = true;
      out->clear();
      return seen <= max * kDrainFactor;
    }
    out->append(data, n);
    return true;
  };
  bool ok = false;
  if (req.is_multipart_form_data()) {
    ok = reader([](const httplib::MultipartFormData&) { return true; }, receive);
    if (out != nullptr && ok && !too_large) return BodyStatus::kUnreadable;  // not JSON
  } else {
    ok = reader(receive);
  }
  if (too_large || res.status == 413) return BodyStatus::kTooLarge;
  return ok ? BodyStatus::kOk : BodyStatus::kUnreadable;
}

// Reads a JSON request body into `out`; the error reply when it is too large or unreadable.
std::optional<Reply> read_json_body(const Request& req, Response& res,
                                    const httplib::ContentReader& reader, std::size_t max,
                                    std::string& out) {
  switch (read_body(req, res, reader, max, &out)) {
    case BodyStatus::kTooLarge:
      return error_reply(413, "request body too large");
    case BodyStatus::kUnreadable:
      return error_reply(400, "could not read a JSON body");
    case BodyStatus::kOk:
      break;
  }
  return std::nullopt;
}

// Text for the statuses httplib produces on its own.
const char* generic_error(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 414:
      return "request target too long";
    case 416:
      return "range not satisfiable";
    case 500:
      return "internal error";
    default:
      return status < 500 ? "request refused" : "server error";
  }
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  return out;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerSettings s, ServerDependencies d) : settings(std::move(s)), deps(std::move(d)) {}

  void configure();
  void add_routes();
  // The 503 for an input refused while draining.
  static Reply draining_reply() { return unavailable_reply("shutting down, retry later"); }

  ServerSettings settings;
  ServerDependencies deps;
  ListeningServer server;
  std::thread thread;
  int port = 0;

  // Intake slots for draining; routed requests from pre-routing until the logger (their
  // response is written), so stop() can let them finish before it shuts the connections.
  RequestTracker tracker;
  RequestCounts counts{route_paths()};  // answered requests, for /metrics
};

void HttpServer::Impl::configure() {
  const int threads = std::max(1, settings.threads);
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(std::max<std::size_t>(1, settings.keep_alive_max_count));
  server.set_keep_alive_timeout(settings.keep_alive_timeout.count());
  server.set_read_timeout(settings.read_timeout.count(), 0);
  server.set_payload_max_length(settings.max_body_bytes);
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  server.set_pre_routing_handler([this](const Request& req, Response& res) {
    if (t_request_start) tracker.request_done();  // the last one on this thread never logged
    t_request_start = std::chrono::steady_clock::now();
    tracker.request_begun();
    res.set_header(kRequestIdHeader, request_id_for(header_or_empty(req, kRequestIdHeader)));
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Also reached by answers httplib makes before routing (400, 414).
  server.set_post_routing_handler([](const Request& req, Response& res) {
    if (!res.has_header(kRequestIdHeader)) {
      res.set_header(kRequestIdHeader, request_id_for(header_or_empty(req, kRequestIdHeader)));
    }
  });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        Reply reply;
        if (res.status == 404) {
          const auto& allowed = allowed_methods();
          if (const auto it = allowed.find(req.path); it != allowed.end()) {
            reply = error_reply(405, "method not allowed");
            reply.headers.emplace_back("Allow", it->second);
          } else {
            reply = error_reply(404, "not found");
          }
        } else if (res.status == 413) {
          reply = error_reply(413, "request body too large");
        } else {
          reply = error_reply(res.status, generic_error(res.status));
        }
        apply(reply, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const Request& req, Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("http handler failed method={} path={}: {}", req.method, printable(req.path),
                  what);
    apply(error_reply(500, "internal error"), res);
  });
  // httplib calls the logger once the response is written.
  server.set_logger([this](const Request& req, const Response& res) {
    double ms = -1;
    if (t_request_start) {
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                     *t_request_start)
               .count();
      t_request_start.reset();
      tracker.request_done();
    }
    counts.count(req.path, res.status);
    spdlog::info("http request method={} path={} status={} duration_ms={:.2f} request_id={}",
                 printable(req.method), printable(req.path), res.status, ms,
                 res.get_header_value(kRequestIdHeader));
  });
}

void HttpServer::Impl::add_routes() {
  const std::size_t max_body = settings.max_body_bytes;

  server.Post("/webhook/telegram", [this, max_body](const Request& req, Response& res,
                                                    const httplib::ContentReader& reader) {
    if (!webhook_secret_ok(settings.webhook_secret,
                           header(req, "X-Telegram-Bot-Api-Secret-Token"))) {
      (void)read_body(req, res, reader, max_body, nullptr);
      return apply(error_reply(401, "invalid secret token"), res);
    }
    std::string body;
    if (auto error = read_json_body(req, res, reader, max_body, body)) return apply(*error, res);
    const IntakeSlot slot(tracker);
    if (!slot) return apply(draining_reply(), res);
    apply(handle_webhook_update(body, deps.parse_update, deps.accept), res);
  });

  server.Post("/v1/events", [this, max_body](const Request& req, Response& res,
                                             const httplib::ContentReader& reader) {
    std::string body;
    if (auto error = read_json_body(req, res, reader, max_body, body)) return apply(*error, res);
    if (auto denial = event_denial(settings.admin_token, settings.events_secret,
                                   header_or_empty(req, "Authorization"),
                                   header_or_empty(req, "X-Reviewbot-Signature"), body)) {
      return apply(*denial, res);
    }
    const IntakeSlot slot(tracker);
    if (!slot) return apply(draining_reply(), res);
    apply(handle_event(body, deps.clock.now(), deps.accept), res);
  });

  server.Post("/v1/links", [this, max_body](const Request& req, Response& res,
                                            const httplib::ContentReader& reader) {
    if (auto denial = admin_denial(settings.admin_token, header_or_empty(req, "Authorization"))) {
      (void)read_body(req, res, reader, max_body, nullptr);
      return apply(*denial, res);
    }
    std::string body;
    if (auto error = read_json_body(req, res, reader, max_body, body)) return apply(*error, res);
    apply(handle_link(body, settings.bot_username, settings.link_secret, deps.make_start_parameter),
          res);
  });

  server.Get("/v1/reviews", [this](const Request& req, Response& res) {
    if (auto denial = admin_denial(settings.admin_token, header_or_empty(req, "Authorization"))) {
      return apply(*denial, res);
    }
    auto query = admin::parse_review_query(req.params, header_or_empty(req, "Accept"));
    if (!query) return apply(field_error_reply(query.error()), res);
    if (!query->csv) return apply(admin::handle_reviews_json(*query, deps.store), res);

    // CSV streams page by page; the first page is read now so a store failure is a 503.
    const std::optional<int> max_rows =
        query->limit_given ? std::optional<int>(query->filter.limit) : std::nullopt;
    auto exporter = std::make_shared<admin::ReviewCsvExport>(deps.store, query->filter, max_rows);
    auto first = exporter->next_chunk();
    if (!first) {
      spdlog::warn("review export failed: {}", first.error().message);
      return apply(unavailable_reply("store unavailable, retry later"), res);
    }
    auto pending = std::make_shared<std::string>(std::move(first).value());
    res.status = 200;
    res.set_header("Content-Disposition", "attachment; filename=\"reviews.csv\"");
    res.set_chunked_content_provider(
        "text/csv; charset=utf-8", [exporter, pending](size_t, httplib::DataSink& sink) {
          // Runs outside httplib's exception handling: nothing may escape.
          try {
            if (!pending->empty() && !sink.write(pending->data(), pending->size())) return false;
            pending->clear();
            if (exporter->finished()) {
              sink.done();
              return true;
            }
            auto chunk = exporter->next_chunk();
            if (!chunk) {
              spdlog::warn("review export aborted: {}", chunk.error().message);
              return false;
            }
            *pending = std::move(chunk).value();
            return true;
          } catch (const std::exception& e) {
            spdlog::error("review export aborted: {}", e.what());
            return false;
          }
        });
  });

  server.Get("/v1/stats", [this](const Request& req, Response& res) {
    if (auto denial = admin_denial(settings.admin_token, header_or_empty(req, "Authorization"))) {
      return apply(*denial, res);
    }
    apply(admin::handle_stats(deps.store), res);
  });

  server.Get("/healthz", [](const Request&, Response& res) { apply(handle_healthz(), res); });
  server.Get("/metrics", [this](const Request&, Response& res) {
    admin::MetricsSnapshot snapshot = deps.metrics ? deps.metrics() : admin::MetricsSnapshot{};
    snapshot.http_requests = counts.snapshot();
    apply(admin::handle_metrics(snapshot), res);
  });
  server.Get("/readyz", [this](const Request&, Response& res) {
    if (!tracker.draining()) return apply(handle_readyz(deps.readiness), res);
    apply(handle_readyz([this] {
            Readiness state = deps.readiness ? deps.readiness() : Readiness{};
            state.checks.emplace_back("accepting", false);
            return state;
          }),
          res);
  });
}

HttpServer::HttpServer(ServerSettings settings, ServerDependencies deps)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(deps))) {
  impl_->configure();
  impl_->add_routes();
}

HttpServer::~HttpServer() { stop(); }

core::Status HttpServer::start() {
  auto& s = *impl_;
  if (s.thread.joinable()) return core::Error{"the HTTP server is already started"};
  if (!s.server.bind_to_port(s.settings.host, s.settings.port)) {
    const int err = errno;
    return core::Error{"cannot listen on " + s.settings.host + ":" +
                       std::to_string(s.settings.port) + ": " + std::strerror(err)};
  }
  const int fd = s.server.listening_socket();
  // Linux accepts listen() again on a listening socket and applies the new backlog.
  if (::listen(fd, s.settings.listen_backlog) != 0) {
    spdlog::warn("could not raise the listen backlog to {}: {}", s.settings.listen_backlog,
                 std::strerror(errno));
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    s.port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }
  s.thread = std::thread([&server = s.server] { server.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs; wait for it (briefly) so a quick
  // start()/stop() pair cannot leave the loop running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!s.server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::info("http listening on {}:{} threads={} keep_alive_timeout_s={}", s.settings.host,
               s.port, s.settings.threads, s.settings.keep_alive_timeout.count());
  return core::ok_status();
}

void HttpServer::stop() {
  auto& s = *impl_;
  if (!s.thread.joinable()) return;
  s.server.stop();
  // Shutting a connection makes httplib drop a response not yet written.
  if (const int unwritten = s.tracker.wait_for_responses(kStopWriteLimit); unwritten > 0) {
    spdlog::warn("http stop: {} responses still unwritten after {} s", unwritten,
                 kStopWriteLimit.count());
  }
  shutdown_connections(s.port);
  s.thread.join();
  s.port = 0;
}

void HttpServer::begin_drain() { impl_->tracker.begin_drain(); }

bool HttpServer::draining() const { return impl_->tracker.draining(); }

bool HttpServer::wait_for_intake(std::chrono::milliseconds timeout) {
  return impl_->tracker.wait_for_intake(timeout);
}

int HttpServer::port() const { return impl_->port; }

}  // namespace reviewbot::http
