#include "mock_platform/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "mock_platform/web_assets.h"

namespace mock_platform {

namespace {

constexpr int kListenBacklog = 4096;
constexpr std::size_t kMaxPayloadBytes = 1 << 20;
constexpr int kDroppedConnection = 0;  // status recorded in stats for a dropped response

void write_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

nlohmann::json api_error_json(const ApiError& e) {
  nlohmann::json j = {{"ok", false}, {"error_code", e.code}, {"description", e.description}};
  if (!e.parameters.is_null()) j["parameters"] = e.parameters;
  return j;
}

std::int64_t path_id(const httplib::Request& req, std::size_t index) {
  return std::stoll(req.matches[index].str());
}

BotIdentity identity_for(const Options& o) {
  BotIdentity id;
  id.username = o.bot_username;
  if (o.token) id.id = token_bot_id(*o.token).value_or(id.id);
  return id;
}

}  // namespace

MockServer::MockServer(const Options& options)
    : options_(options),
      faults_(options.seed),
      rate_(options.rate),
      bot_(identity_for(options), queue_, stats_),
      webhook_(queue_, stats_, options.delivery),
      api_(bot_, queue_, webhook_, std::chrono::seconds(options.max_poll_seconds)),
      control_(bot_, stats_, faults_),
      till_(bot_, options.till) {
  for (const auto& rule : options_.faults) faults_.add(rule);
  if (!options_.owner_name.empty()) bot_.create_owner(options_.owner_name, "en");
  const int threads = options_.threads;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_max_count(1000000);
  server_.set_keep_alive_timeout(options_.keep_alive_seconds);
  server_.set_payload_max_length(kMaxPayloadBytes);
  server_.set_socket_options([this](socket_t fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = fd;
  });
  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error(R"({{"msg":"handler failed","path":{},"error":{}}})",
                      nlohmann::json(req.path).dump(), nlohmann::json(what).dump());
        write_json(res, 500, {{"ok", false}, {"error_code", 500}, {"description", what}});
      });
  install_routes();
}

MockServer::~MockServer() { stop(); }

Result<int> MockServer::bind() {
  int port = options_.port;
  if (port == 0) {
    port = server_.bind_to_any_port(options_.host);
  } else if (!server_.bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return ApiError{500, "cannot bind " + options_.host + ":" + std::to_string(options_.port), {}};
  }
  // httplib listens with a backlog of 5; a burst of clients would overflow it.
  if (listen_fd_ >= 0) ::listen(listen_fd_, kListenBacklog);
  return port;
}

bool MockServer::run() { return server_.listen_after_bind(); }

void MockServer::stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  queue_.shutdown();
  server_.stop();
  webhook_.clear();
}

bool MockServer::sleep_unless_stopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(stop_mu_);
  return !stop_cv_.wait_for(lock, duration, [&] { return stopping_; });
}

void MockServer::install_routes() {
  server_.Get(R"(/|/[A-Za-z0-9_.-]+\.(?:js|css|svg))",
              [](const httplib::Request& req, httplib::Response& res) {
                const auto asset = find_web_asset(req.path);
                if (!asset) {
                  write_json(res, 404, {{"error", "not found"}});
                  return;
                }
                res.set_header("Cache-Control", "no-cache");
                res.set_header("X-Content-Type-Options", "nosniff");
                res.set_header("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; frame-ancestors 'none'");
                res.set_content(asset->body.data(), asset->body.size(),
                                std::string(asset->content_type).c_str());
              });

  const auto bot_api = [this](const httplib::Request& req, httplib::Response& res) {
    handle_bot_api(req, res);
  };
  server_.Get(R"(/bot([^/]*)/([^/]*))", bot_api);
  server_.Post(R"(/bot([^/]*)/([^/]*))", bot_api);

  const auto reply = [](httplib::Response& res, const ControlReply& r) {
    write_json(res, r.status, r.body);
  };
  server_.Post("/_mock/users", [this, reply](const httplib::Request& req, httplib::Response& res) {
    reply(res, control_.create_user(req.body));
  });
  server_.Get("/_mock/users", [this, reply](const httplib::Request&, httplib::Response& res) {
    reply(res, control_.list_users());
  });
  server_.Post(R"(/_mock/users/(\d{1,18})/messages)",
               [this, reply](const httplib::Request& req, httplib::Response& res) {
                 reply(res, control_.user_message(path_id(req, 1), req.body));
               });
  server_.Post(R"(/_mock/users/(\d{1,18})/press)",
               [this, reply](const httplib::Request& req, httplib::Response& res) {
                 reply(res, control_.press(path_id(req, 1), req.body));
               });
  server_.Post(R"(/_mock/users/(\d{1,18})/(block|unblock))",
               [this, reply](const httplib::Request& req, httplib::Response& res) {
                 reply(res,
                       control_.set_blocked(path_id(req, 1), req.matches[2] == "block", req.body));
               });
  server_.Post("/_mock/business/connections",
               [this, reply](const httplib::Request& req, httplib::Response& res) {
                 reply(res, control_.connect_business(req.body));
               });
  server_.Delete(R"(/_mock/business/connections/([^/]+))",
                 [this, reply](const httplib::Request& req, httplib::Response& res) {
                   reply(res, control_.disconnect_business(req.matches[1].str()));
                 });
  server_.Post(R"(/_mock/business/([^/]+)/messages)",
               [this, reply](const httplib::Request& req, httplib::Response& res) {
                 reply(res, control_.business_message(req.matches[1].str(), req.body));
               });
  server_.Get(R"(/_mock/chats/(-?\d{1,18}))",
              [this, reply](const httplib::Request& req, httplib::Response& res) {
                reply(res, control_.chat(path_id(req, 1)));
              });
  server_.Get("/_mock/timeline", [this](const httplib::Request&, httplib::Response& res) {
    write_json(res, 200, timeline_.to_json());
  });
  server_.Get("/_mock/stats", [this, reply](const httplib::Request&, httplib::Response& res) {
    reply(res, control_.stats());
  });
  server_.Post("/_mock/till", [this, reply](const httplib::Request& req, httplib::Response& res) {
    reply(res, till_.complete_sale(req.body));
  });
  server_.Post("/_mock/faults", [this, reply](const httplib::Request& req, httplib::Response& res) {
    reply(res, control_.add_fault(req.body));
  });
  server_.Get("/_mock/faults", [this, reply](const httplib::Request&, httplib::Response& res) {
    reply(res, control_.list_faults());
  });
  server_.Delete("/_mock/faults", [this, reply](const httplib::Request&, httplib::Response& res) {
    reply(res, control_.clear_faults());
  });
}

void MockServer::handle_bot_api(const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.matches[1].str();
  const std::string name = req.matches[2].str();
  if (options_.token && token != *options_.token) {
    write_json(res, 401, api_error_json({401, "Unauthorized", {}}));
    stats_.record_call(name, 401);
    return;
  }
  const auto method = BotApi::canonical_method(name);
  if (!method) {
    write_json(res, 404, api_error_json(not_found("Not Found")));
    stats_.record_call(name, 404);
    return;
  }

  Params params;
  if (req.get_header_value("Content-Type").rfind("application/json", 0) == 0) {
    if (auto st = params.merge_json_body(req.body); !st) {
      write_json(res, st.error().code, api_error_json(st.error()));
      stats_.record_call(*method, st.error().code);
      return;
    }
  }
  for (const auto& [key, value] : req.params) params.set_string(key, value);
  for (const auto& [key, file] : req.files) params.set_string(key, file.content);
  const std::optional<std::int64_t> chat = params.get_int("chat_id");

  const FaultAction fault = faults_.decide(*method, chat);
  if (fault.latency_ms > 0 && !sleep_unless_stopped(std::chrono::milliseconds(fault.latency_ms))) {
    return;
  }
  if (fault.hang) {
    // Held past any sane client timeout. With `execute` the call took effect first: the
    // client cannot know whether it did.
    if (fault.execute) (void)execute(*method, params);
    sleep_unless_stopped(std::chrono::milliseconds(fault.hang_ms));
    write_json(res, 504, api_error_json({504, "Gateway Timeout", {}}));
    stats_.record_call(*method, 504);
    return;
  }
  if (fault.drop_connection) {
    // Headers go out, then the connection closes before the promised body.
    res.set_content_provider(64, "application/json",
                             [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
    stats_.record_call(*method, kDroppedConnection);
    return;
  }
  if (fault.status != 0) {
    const ApiError e = fault_error(fault);
    write_json(res, e.code, api_error_json(e));
    stats_.record_call(*method, e.code);
    return;
  }
  if (RateEnforcer::counted(*method)) {
    if (const auto wait = rate_.admit(chat, RateEnforcer::Clock::now())) {
      const ApiError e{
          429, "Too Many Requests: retry after " + std::to_string(*wait), {{"retry_after", *wait}}};
      write_json(res, 429, api_error_json(e));
      stats_.record_call(*method, 429);
      stats_.record_rate_limited();
      timeline_.record_rate_limited(Timeline::Clock::now());
      return;
    }
  }

  const auto result = execute(*method, params);
  if (result) {
    write_json(res, 200, {{"ok", true}, {"result", *result}});
  } else {
    write_json(res, result.error().code, api_error_json(result.error()));
  }
}

Result<nlohmann::json> MockServer::execute(const std::string& method, const Params& params) {
  auto result = api_.call(method, params);
  stats_.record_call(method, result ? 200 : result.error().code);
  if (result && RateEnforcer::counted(method)) {
    timeline_.record_sent(method, Timeline::Clock::now());
  }
  return result;
}

}  // namespace mock_platform
