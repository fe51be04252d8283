#include "reviewbot/http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "request_counts.h"
#include "request_tracker.h"
#include "reviewbot/http/admin_guard.h"
#include "reviewbot/http/request_id.h"
#include "reviewbot/http/webhook_handler.h"
#include "sockets.h"

namespace reviewbot::http {
namespace {

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

std::optional<std::string_view> header(const httplib::Request& req, const char* name) {
  const auto it = req.headers.find(name);
  if (it == req.headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string_view header_or_empty(const httplib::Request& req, const char* name) {
  return header(req, name).value_or(std::string_view());
}

// Copies a reply onto the response; a streamed body goes out chunked after reply.body.
void apply(Reply reply, Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (!reply.stream) return res.set_content(reply.body, reply.content_type);
  auto pending = std::make_shared<std::string>(std::move(reply.body));
  res.set_chunked_content_provider(reply.content_type, [pending, stream = std::move(reply.stream)](
                                                           size_t, httplib::DataSink& sink) {
    // Runs outside httplib's exception handling: nothing may escape.
    try {
      if (!pending->empty() && !sink.write(pending->data(), pending->size())) return false;
      pending->clear();
      auto chunk = stream();
      if (!chunk) {
        spdlog::warn("streamed response aborted: {}", chunk.error().message);
        return false;
      }
      if (!chunk->has_value()) {
        sink.done();
        return true;
      }
      *pending = std::move(**chunk);
      return true;
    } catch (const std::exception& e) {
      spdlog::error("streamed response aborted: {}", e.what());
      return false;
    }
  });
}

// The regular expression cpp-httplib matches for an exact path.
std::string exact_pattern(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (std::strchr(".^$|()[]{}*+?\\", c) != nullptr) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// The headers of an httplib request, for handlers.
class RequestHeaders final : public HeaderSource {
 public:
  explicit RequestHeaders(const httplib::Headers& headers) : headers_(headers) {}
  std::optional<std::string_view> get(std::string_view name) const override {
    const auto it = headers_.find(std::string(name));
    if (it == headers_.end()) return std::nullopt;
    return std::string_view(it->second);
  }

 private:
  const httplib::Headers& headers_;
};

enum class BodyStatus { kOk, kTooLarge, kUnreadable };

// Reads the body into `out` (or drops it when out is null) within `max` bytes. Also
// catches what httplib rejects itself (Content-Length over the payload limit → 413).
BodyStatus read_body(const httplib::Request& req, Response& res,
                     const httplib::ContentReader& reader, std::size_t max, std::string* out) {
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
std::optional<Reply> read_json_body(const httplib::Request& req, Response& res,
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

struct HttpServer::Impl final : ServerState {
  Impl(ServerSettings s, Routes r) : settings(std::move(s)), routes(std::move(r)) {}

  bool draining() const override { return tracker.draining(); }
  std::vector<RequestCount> request_counts() const override { return counts.snapshot(); }

  void configure();
  void add_routes();
  // Access check, body, draining, then the route's handler.
  void serve(const Route& route, const httplib::Request& req, Response& res,
             const httplib::ContentReader* reader);
  // nullopt when the request may use a route of this access; else the refusal.
  std::optional<Reply> denial(Access access, const httplib::Request& req,
                              std::string_view body) const;
  // The Allow header's value for a known path, or nullopt.
  std::optional<std::string> allowed_methods(const std::string& path) const;
  std::vector<std::string> route_paths() const;
  // The 503 for an input refused while draining.
  static Reply draining_reply() { return unavailable_reply("shutting down, retry later"); }

  ServerSettings settings;
  const Routes routes;  // never modified: handlers refer to its elements
  ListeningServer server;
  std::thread thread;
  int port = 0;

  // Intake slots for draining; routed requests from pre-routing until the logger (their
  // response is written), so stop() can let them finish before it shuts the connections.
  RequestTracker tracker;
  RequestCounts counts{route_paths()};  // answered requests, for /metrics
};

std::vector<std::string> HttpServer::Impl::route_paths() const {
  std::vector<std::string> paths;
  for (const Route& route : routes) {
    if (std::find(paths.begin(), paths.end(), route.path) == paths.end()) {
      paths.push_back(route.path);
    }
  }
  return paths;
}

std::optional<std::string> HttpServer::Impl::allowed_methods(const std::string& path) const {
  bool get = false;
  bool post = false;
  for (const Route& route : routes) {
    if (route.path != path) continue;
    (route.method == Route::Method::kGet ? get : post) = true;
  }
  if (!get && !post) return std::nullopt;
  if (get && post) return "GET, HEAD, POST";
  return get ? "GET, HEAD" : "POST";
}

std::optional<Reply> HttpServer::Impl::denial(Access access, const httplib::Request& req,
                                              std::string_view body) const {
  switch (access) {
    case Access::kPublic:
    case Access::kOwner:  // the handler checks the session
      return std::nullopt;
    case Access::kWebhook:
      if (webhook_secret_ok(settings.webhook_secret,
                            header(req, "X-Telegram-Bot-Api-Secret-Token"))) {
        return std::nullopt;
      }
      return error_reply(401, "invalid secret token");
    case Access::kAdmin:
      return admin_denial(settings.admin_token, header_or_empty(req, "Authorization"));
    case Access::kEvents:
      return event_denial(settings.admin_token, settings.events_secret,
                          header_or_empty(req, "Authorization"),
                          header_or_empty(req, "X-Reviewbot-Signature"), body);
  }
  return error_reply(500, "internal error");
}

void HttpServer::Impl::serve(const Route& route, const httplib::Request& req, Response& res,
                             const httplib::ContentReader* reader) {
  // A signature covers the body, so kEvents reads it first; the others refuse before.
  const bool body_signed = route.access == Access::kEvents;
  std::string body;
  if (!body_signed || reader == nullptr) {
    if (auto refused = denial(route.access, req, {})) {
      if (reader != nullptr) (void)read_body(req, res, *reader, settings.max_body_bytes, nullptr);
      return apply(std::move(*refused), res);
    }
  }
  if (reader != nullptr) {
    if (auto error = read_json_body(req, res, *reader, settings.max_body_bytes, body)) {
      return apply(std::move(*error), res);
    }
    if (body_signed) {
      if (auto refused = denial(route.access, req, body)) return apply(std::move(*refused), res);
    }
  }
  std::optional<IntakeSlot> slot;
  if (route.input) {
    slot.emplace(tracker);
    if (!*slot) return apply(draining_reply(), res);
  }
  const RequestHeaders headers(req.headers);
  const http::Request request{req.method,      req.path, req.params, std::move(body),
                              req.remote_addr, headers,  *this};
  apply(route.handler(request), res);
}

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

  server.set_pre_routing_handler([this](const httplib::Request& req, Response& res) {
    if (t_request_start) tracker.request_done();  // the last one on this thread never logged
    t_request_start = std::chrono::steady_clock::now();
    tracker.request_begun();
    res.set_header(kRequestIdHeader, request_id_for(header_or_empty(req, kRequestIdHeader)));
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Also reached by answers httplib makes before routing (400, 414).
  server.set_post_routing_handler([](const httplib::Request& req, Response& res) {
    if (!res.has_header(kRequestIdHeader)) {
      res.set_header(kRequestIdHeader, request_id_for(header_or_empty(req, kRequestIdHeader)));
    }
  });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request& req, Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        Reply reply;
        if (res.status == 404) {
          if (auto allowed = allowed_methods(req.path)) {
            reply = error_reply(405, "method not allowed");
            reply.headers.emplace_back("Allow", std::move(*allowed));
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
  server.set_exception_handler(
      [](const httplib::Request& req, Response& res, std::exception_ptr ep) {
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
  server.set_logger([this](const httplib::Request& req, const Response& res) {
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
  for (const Route& route : routes) {
    const std::string pattern = exact_pattern(route.path);
    if (route.method == Route::Method::kGet) {
      server.Get(pattern, [this, &route](const httplib::Request& req, Response& res) {
        serve(route, req, res, nullptr);
      });
    } else {
      server.Post(pattern, [this, &route](const httplib::Request& req, Response& res,
                                          const httplib::ContentReader& reader) {
        serve(route, req, res, &reader);
      });
    }
  }
}

HttpServer::HttpServer(ServerSettings settings, Routes routes)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(routes))) {
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
