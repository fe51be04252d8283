// The route table: each module contributes its routes (method, exact path, who may call
// it, and a handler from a Request to a Reply), and HttpServer serves the table it is
// given — authentication, body reading, draining, 404/405 with Allow and the request
// counts all come from the table, so a route exists in exactly one place. Handlers see a
// Request without cpp-httplib types and are tested without sockets.
// Value types; a Routes table is read-only once the server is built, and its handlers run
// on many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reviewbot/http/reply.h"

namespace reviewbot::http {

using Params = std::multimap<std::string, std::string>;

// Requests answered for one route (its path, or "unmatched") and status code.
struct RequestCount {
  std::string route;
  int code = 0;
  std::uint64_t count = 0;
};

// Header lookup of the request being handled (names case-insensitive).
class HeaderSource {
 public:
  virtual std::optional<std::string_view> get(std::string_view name) const = 0;

 protected:
  ~HeaderSource() = default;
};

// What the server knows about itself, for the routes that report it.
class ServerState {
 public:
  // True once begin_drain() ran: inputs are refused, /readyz fails.
  virtual bool draining() const = 0;
  // Every (route, code) answered at least once so far.
  virtual std::vector<RequestCount> request_counts() const = 0;

 protected:
  ~ServerState() = default;
};

// One request as a handler sees it; valid for the handler's call only.
struct Request {
  std::string_view method;  // "GET", "HEAD" (served by GET routes) or "POST"
  std::string_view path;
  const Params& params;  // the query string's parameters
  std::string body;      // POST routes: the body, within the server's limit; else empty
  std::string_view remote_addr;
  const HeaderSource& headers;
  const ServerState& server;

  // The header's value, or "" when absent.
  std::string_view header(std::string_view name) const { return headers.get(name).value_or(""); }
  // The first value of a query parameter, or nullopt.
  std::optional<std::string_view> param(const std::string& name) const {
    const auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    return std::string_view(it->second);
  }
};

// Who may call a route. The server checks it before the handler runs.
enum class Access {
  kPublic,   // anyone (health, readiness, metrics)
  kWebhook,  // X-Telegram-Bot-Api-Secret-Token equal to TELEGRAM_WEBHOOK_SECRET (when set)
  kAdmin,    // Authorization: Bearer ADMIN_TOKEN (503 while no token is configured)
  kEvents,   // kAdmin, or an EVENTS_SECRET signature of the body (X-Reviewbot-Signature)
  kOwner,    // a dashboard session, which the route's handler checks (admin/dashboard.h)
};

using Handler = std::function<Reply(const Request&)>;
// Hands over a deferred handler's reply; call it exactly once, from any thread.
using Respond = std::function<void(Reply)>;
// A handler whose reply may come later, from another thread: it answers through `respond`
// (the Request is valid for the call only). For inputs whose answer waits for a commit, so
// that no thread waits with them.
using DeferredHandler = std::function<void(const Request&, Respond respond)>;

struct Route {
  enum class Method { kGet, kPost };  // kGet also answers HEAD

  Method method = Method::kGet;
  std::string path;  // exact; no patterns
  Access access = Access::kPublic;
  // An input (webhook update, event): refused with 503 + Retry-After while draining, and
  // waited for by HttpServer::wait_for_intake().
  bool input = false;
  Handler handler;                // answers on the calling thread, or
  DeferredHandler deferred = {};  // when set instead: answers through its Respond
};

using Routes = std::vector<Route>;

// Appends `more` to `routes`.
inline void add_routes(Routes& routes, Routes more) {
  for (auto& route : more) routes.push_back(std::move(route));
}

}  // namespace reviewbot::http
