// A browser's side of the dashboard for the end-to-end tests: one connection to the
// reviewbot process, a cookie jar, and form helpers. Not thread-safe.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "integration/reviewbot_process.h"

namespace reviewbot::testing {

// A browser's side of the dashboard: one connection and a cookie jar.
struct Browser {
  explicit Browser(const ReviewbotProcess& bot) : client(bot.client()) {}

  httplib::Result get(const std::string& path) { return remember(client.Get(path, headers())); }
  httplib::Result post(const std::string& path, const std::string& form) {
    return remember(client.Post(path, headers(), form, "application/x-www-form-urlencoded"));
  }
  // The csrf field of the last page that had one.
  std::string csrf(const std::string& html) const {
    std::smatch m;
    REQUIRE(std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
    return m[1];
  }
  // Logs in with the login form; returns the POST's answer.
  httplib::Result log_in(const std::string& account, const std::string& password) {
    auto form = get("/admin/login");
    REQUIRE(form);
    REQUIRE(form->status == 200);
    return post("/admin/login",
                "csrf=" + csrf(form->body) + "&account=" + account + "&password=" + password);
  }

  httplib::Headers headers() const {
    httplib::Headers h = extra;
    std::string cookie;
    for (const auto& [name, value] : jar) {
      if (value.empty()) continue;
      cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    }
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return h;
  }
  httplib::Result remember(httplib::Result res) {
    if (!res) return res;
    for (const auto& [name, value] : res->headers) {
      if (name != "Set-Cookie") continue;
      set_cookies.push_back(value);
      const auto eq = value.find('=');
      const auto semi = value.find(';');
      jar[value.substr(0, eq)] = value.substr(eq + 1, semi - eq - 1);
    }
    return res;
  }
  // The Set-Cookie header last seen for `name`.
  std::string set_cookie(const std::string& name) const {
    for (auto it = set_cookies.rbegin(); it != set_cookies.rend(); ++it) {
      if (it->rfind(name + "=", 0) == 0) return *it;
    }
    return "";
  }

  httplib::Client client;
  httplib::Headers extra;
  std::map<std::string, std::string> jar;
  std::vector<std::string> set_cookies;
};

}  // namespace reviewbot::testing
