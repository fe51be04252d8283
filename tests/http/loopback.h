// An HttpServer on a free loopback port, as the server tests start it: settings with the
// given pool and admin token, and a client with a 5 s read timeout.
#pragma once

#include <httplib.h>

#include <string>

#include "reviewbot/http/server.h"

namespace reviewbot::testing {

inline http::ServerSettings loopback_settings(int threads, std::string admin_token) {
  http::ServerSettings s;
  s.host = "127.0.0.1";
  s.port = 0;
  s.threads = threads;
  s.admin_token = std::move(admin_token);
  return s;
}

inline httplib::Client loopback_client(const http::HttpServer& server) {
  httplib::Client c("127.0.0.1", server.port());
  c.set_read_timeout(5, 0);
  return c;
}

}  // namespace reviewbot::testing
