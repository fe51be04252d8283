#include "reviewbot/http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <optional>
#include <unordered_map>

#include "request_counts.h"
#include "request_tracker.h"
#include "reviewbot/http/admin_guard.h"
#include "reviewbot/http/request_id.h"
#include "reviewbot/http/webhook_handler.h"
#include "transport.h"

namespace reviewbot::http {
namespace {

constexpr const char* kRequestIdHeader = "X-Request-Id";
// How long stop() waits for requests being handled to write their responses.
constexpr std::chrono::seconds kStopWriteLimit{5};

std::string_view header_or_empty(const ParsedRequest& req, std::string_view lower_name) {
  const std::string* value = req.header(lower_name);
  return value == nullptr ? std::string_view() : std::string_view(*value);
}

// The headers of a parsed request, for handlers.
class RequestHeaders final : public HeaderSource {
 public:
  explicit RequestHeaders(const ParsedRequest& req) : req_(req) {}
  std::optional<std::string_view> get(std::string_view name) const override {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string* value = req_.header(lower);
    if (value == nullptr) return std::nullopt;
    return std::string_view(*value);
  }

 private:
  const ParsedRequest& req_;
};

// Text for the statuses the transport refuses with.
const char* refusal_text(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 408:
      return "request timed out";
    case 413:
      return "request body too large";
    case 414:
      return "request target too long";
    case 415:
      return "request bodies must not be encoded (Content-Encoding)";
    case 417:
      return "only Expect: 100-continue is supported";
    case 431:
      return "request headers too large";
    case 501:
      return "transfer encoding not supported";
    case 505:
      return "HTTP version not supported";
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

std::string_view reply_header(const Reply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

struct HttpServer::Impl final : ServerState {
  Impl(ServerSettings s, Routes r);

  bool draining() const override { return tracker.draining(); }
  std::vector<RequestCount> request_counts() const override { return counts.snapshot(); }

  // Answers a complete request: its route (a deferred route perhaps later, from another
  // thread), or 404/405.
  void handle(const ParsedRequest& req, std::string_view remote_addr, Transport::Answer answer);
  // Access check, draining, then the route's handler (or deferred handler), answering
  // through `answer` once.
  void serve(const Route& route, const ParsedRequest& req, std::string_view remote_addr,
             std::string request_id, Transport::Answer answer);
  // nullopt when the request may use a route of this access; else the refusal.
  std::optional<Reply> denial(Access access, const ParsedRequest& req) const;
  void log_answer(const ParsedRequest& req, const Reply& reply, double ms);
  Reply refusal(int status);
  std::vector<std::string> route_paths() const;
  // The 503 for an input refused while draining.
  static Reply draining_reply() { return unavailable_reply("shutting down, retry later"); }

  struct PathRoutes {
    const Route* get = nullptr;
    const Route* post = nullptr;
  };

  ServerSettings settings;
  const Routes routes;  // never modified: handlers refer to its elements
  std::unordered_map<std::string, PathRoutes> by_path;
  RequestTracker tracker;               // inputs, for draining
  RequestCounts counts{route_paths()};  // answered requests, for /metrics
  Transport transport;
};

HttpServer::Impl::Impl(ServerSettings s, Routes r)
    : settings(std::move(s)),
      routes(std::move(r)),
      transport(settings,
                TransportHooks{
                    .handle = [this](const ParsedRequest& req, std::string_view remote,
                                     Transport::Answer answer) { handle(req, remote, answer); },
                    .answered = [this](const ParsedRequest& req, const Reply& reply,
                                       double ms) { log_answer(req, reply, ms); },
                    .refuse = [this](int status) { return refusal(status); }}) {
  for (const Route& route : routes) {
    auto& slot = by_path[route.path];
    (route.method == Route::Method::kGet ? slot.get : slot.post) = &route;
  }
}

std::vector<std::string> HttpServer::Impl::route_paths() const {
  std::vector<std::string> paths;
  for (const Route& route : routes) {
    if (std::find(paths.begin(), paths.end(), route.path) == paths.end()) {
      paths.push_back(route.path);
    }
  }
  return paths;
}

std::optional<Reply> HttpServer::Impl::denial(Access access, const ParsedRequest& req) const {
  switch (access) {
    case Access::kPublic:
    case Access::kOwner:  // the handler checks the session
      return std::nullopt;
    case Access::kWebhook: {
      const std::string* secret = req.header("x-telegram-bot-api-secret-token");
      if (webhook_secret_ok(
              settings.webhook_secret,
              secret == nullptr ? std::nullopt : std::optional<std::string_view>(*secret))) {
        return std::nullopt;
      }
      return error_reply(401, "invalid secret token");
    }
    case Access::kAdmin:
      return admin_denial(settings.admin_token, header_or_empty(req, "authorization"));
    case Access::kEvents:
      return event_denial(settings.admin_token, settings.events_secret,
                          header_or_empty(req, "authorization"),
                          header_or_empty(req, "x-reviewbot-signature"), req.body);
  }
  return error_reply(500, "internal error");
}

void HttpServer::Impl::serve(const Route& route, const ParsedRequest& req,
                             std::string_view remote_addr, std::string request_id,
                             Transport::Answer answer) {
  // The request's answer, given once: the handler's, or the refusal or error before it.
  struct Pending {
    Pending(Transport::Answer a, std::string id) : answer(a), request_id(std::move(id)) {}
    void give(Reply reply) {
      if (given.exchange(true)) return;
      reply.headers.emplace_back(kRequestIdHeader, request_id);
      answer(std::move(reply));
      slot.reset();  // after the answer: draining waits for it
    }
    Transport::Answer answer;
    std::string request_id;
    std::optional<IntakeSlot> slot;
    std::atomic<bool> given{false};
  };
  const auto pending = std::make_shared<Pending>(answer, std::move(request_id));
  if (auto refused = denial(route.access, req)) return pending->give(std::move(*refused));
  if (route.input) {
    pending->slot.emplace(tracker);
    if (!*pending->slot) return pending->give(draining_reply());
  }
  const RequestHeaders headers(req);
  const Request request{req.method, req.path, req.params, req.body, remote_addr, headers, *this};
  try {
    if (route.deferred) {
      route.deferred(request, [pending](Reply reply) { pending->give(std::move(reply)); });
    } else {
      pending->give(route.handler(request));
    }
  } catch (const std::exception& e) {
    spdlog::error("http handler failed method={} path={}: {}", printable(req.method),
                  printable(req.path), e.what());
    pending->give(error_reply(500, "internal error"));
  }
}

void HttpServer::Impl::handle(const ParsedRequest& req, std::string_view remote_addr,
                              Transport::Answer answer) {
  std::string request_id = request_id_for(header_or_empty(req, "x-request-id"));
  Reply reply;
  const auto found = by_path.find(req.path);
  const Route* route = nullptr;
  if (found != by_path.end()) {
    if (req.method == "GET" || req.method == "HEAD") route = found->second.get;
    if (req.method == "POST") route = found->second.post;
  }
  if (route != nullptr) return serve(*route, req, remote_addr, std::move(request_id), answer);
  if (found != by_path.end()) {
    reply = error_reply(405, "method not allowed");
    const PathRoutes& methods = found->second;
    reply.headers.emplace_back("Allow", methods.get != nullptr && methods.post != nullptr
                                            ? "GET, HEAD, POST"
                                            : (methods.get != nullptr ? "GET, HEAD" : "POST"));
  } else {
    reply = error_reply(404, "not found");
  }
  reply.headers.emplace_back(kRequestIdHeader, std::move(request_id));
  answer(std::move(reply));
}

void HttpServer::Impl::log_answer(const ParsedRequest& req, const Reply& reply, double ms) {
  counts.count(req.path, reply.status);
  spdlog::info("http request method={} path={} status={} duration_ms={:.2f} request_id={}",
               printable(req.method), printable(req.path), reply.status, ms,
               reply_header(reply, kRequestIdHeader));
}

Reply HttpServer::Impl::refusal(int status) {
  Reply reply = error_reply(status, refusal_text(status));
  const std::string id = make_request_id();
  reply.headers.emplace_back(kRequestIdHeader, id);
  counts.count(RequestCounts::kUnmatched, status);
  spdlog::info("http request refused status={} request_id={}", status, id);
  return reply;
}

HttpServer::HttpServer(ServerSettings settings, Routes routes)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(routes))) {}

HttpServer::~HttpServer() { stop(); }

core::Status HttpServer::start() {
  auto& s = *impl_;
  if (auto started = s.transport.start(); !started.ok()) return started;
  spdlog::info("http listening on {}:{} threads={} max_connections={} keep_alive_timeout_ms={}",
               s.settings.host, s.transport.port(), s.settings.threads, s.settings.max_connections,
               s.settings.keep_alive_timeout.count());
  return core::ok_status();
}

void HttpServer::stop() { impl_->transport.stop(kStopWriteLimit); }

void HttpServer::begin_drain() { impl_->tracker.begin_drain(); }

bool HttpServer::draining() const { return impl_->tracker.draining(); }

bool HttpServer::wait_for_intake(std::chrono::milliseconds timeout) {
  return impl_->tracker.wait_for_intake(timeout);
}

int HttpServer::port() const { return impl_->transport.port(); }

}  // namespace reviewbot::http
