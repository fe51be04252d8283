// The dashboard's layout and the rendering helpers every page uses.
#include "page_render.h"

#include <array>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>

#include "reviewbot/http/rfc3339.h"

namespace reviewbot::admin::page {
namespace {

using kainjow::mustache::mustache;

constexpr const char* kLayout = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}{{#business}} · {{business}}{{/business}} · reviewbot</title>
<link rel="stylesheet" href="/admin/style.css">
<link rel="icon" href="/admin/icon.svg" type="image/svg+xml">
</head>
<body>
<header>
<span class="brand">{{#business}}{{business}}{{/business}}{{^business}}reviewbot{{/business}}</span>
{{#viewer}}
<nav aria-label="Dashboard">
{{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>
{{/nav}}
</nav>
<form method="post" action="/admin/logout" class="logout">
<input type="hidden" name="csrf" value="{{csrf}}">
<button type="submit">Log out {{account}}</button>
</form>
{{/viewer}}
</header>
<main>
<h1>{{title}}</h1>
{{{content}}}
</main>
</body>
</html>
)html";

struct NavEntry {
  const char* key;
  const char* href;
  const char* label;
};
constexpr NavEntry kNav[] = {
    {"overview", "/admin", "Overview"},          {"inbox", "/admin/inbox", "Inbox"},
    {"reviews", "/admin/reviews", "Reviews"},    {"templates", "/admin/templates", "Templates"},
    {"delivery", "/admin/delivery", "Delivery"}, {"alerts", "/admin/alerts", "Alerts"},
    {"accounts", "/admin/accounts", "Accounts"}};

const mustache& compiled(const char* text) {
  // Each template text is compiled on first use and kept.
  static std::mutex mutex;
  static std::vector<std::pair<const char*, std::unique_ptr<mustache>>> cache;
  std::lock_guard lock(mutex);
  for (const auto& [key, tmpl] : cache) {
    if (key == text) return *tmpl;
  }
  cache.emplace_back(text, std::make_unique<mustache>(text));
  return *cache.back().second;
}

constexpr const char* kFlash =
    R"html({{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
)html";

}  // namespace

std::string render(const char* text, const data& d) {
  // kainjow's render is const but not documented thread-safe: render a copy.
  mustache tmpl = compiled(text);
  return tmpl.render(d);
}

std::string frame_page(const PageFrame& frame, const std::string& content) {
  data d;
  d.set("title", frame.title);
  d.set("business", frame.business_name.empty() ? data(false) : data(frame.business_name));
  if (frame.viewer) {
    data viewer;
    viewer.set("account", frame.viewer->account);
    viewer.set("csrf", frame.viewer->csrf_token);
    data nav(data::type::list);
    for (const auto& [key, href, label] : kNav) {
      data entry;
      entry.set("href", href);
      entry.set("label", label);
      entry.set("current", frame.current == key);
      nav.push_back(entry);
    }
    viewer.set("nav", nav);
    d.set("viewer", viewer);
  } else {
    d.set("viewer", false);
  }
  d.set("content", content);
  return render(kLayout, d);
}

std::string fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string stars_text(int rating) {
  std::string out;
  for (int i = 1; i <= 5; ++i) out += i <= rating ? "★" : "☆";
  return out;
}

// Horizontal bars for ratings 5 down to 1, each a link to its reviews.
std::string day(core::Time t) { return http::format_rfc3339(t).substr(0, 10); }

std::string minute(core::Time t) {
  const std::string when = http::format_rfc3339(t);
  return when.substr(0, 10) + " " + when.substr(11, 5);
}

data text_or_false(const std::optional<std::string>& s) {
  return s && !s->empty() ? data(*s) : data(false);
}

data text_or_false(const std::string& s) { return s.empty() ? data(false) : data(s); }

// The shop's name first, then Telegram's, then the chat.
std::string display_name(const std::string& shop, const std::string& telegram, core::ChatId chat) {
  if (!shop.empty()) return shop;
  if (!telegram.empty()) return telegram;
  return chat != 0 ? "chat " + std::to_string(chat) : std::string("–");
}

// "Ann Lee @ann" / "@ann" / "Ann Lee", or "" when the shop's name is all there is.
std::string telegram_label(const std::string& shop, const std::string& telegram,
                           const std::string& username) {
  // Without the shop's name the Telegram name is the name shown already.
  std::string out = shop.empty() || telegram == shop ? std::string() : telegram;
  if (!username.empty()) out += (out.empty() ? "@" : " @") + username;
  return out;
}

std::string escape(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\n':
        escaped += "<br>";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string telegram_preview(const std::string& telegram_html) {
  std::string escaped = escape(telegram_html);
  constexpr std::array kTags = {"b", "strong", "i", "em", "u", "s", "code", "pre"};
  for (const char* tag : kTags) {
    for (const bool closing : {false, true}) {
      const std::string from = std::string("&lt;") + (closing ? "/" : "") + tag + "&gt;";
      const std::string to = std::string("<") + (closing ? "/" : "") + tag + ">";
      for (auto at = escaped.find(from); at != std::string::npos; at = escaped.find(from, at)) {
        escaped.replace(at, from.size(), to);
        at += to.size();
      }
    }
  }
  // Then Telegram's own entities, escaped once more above, are shown as their characters
  // (after the tags, so an escaped "<b>" in a value stays text).
  for (const std::string_view entity : {"lt;", "gt;", "amp;", "quot;", "#"}) {
    const std::string twice = "&amp;" + std::string(entity);
    const std::string once = "&" + std::string(entity);
    for (auto at = escaped.find(twice); at != std::string::npos; at = escaped.find(twice, at)) {
      escaped.replace(at, twice.size(), once);
      at += once.size();
    }
  }
  return escaped;
}

std::string flash(const std::string& notice, const std::string& error) {
  data d;
  d.set("notice", text_or_false(notice));
  d.set("error", text_or_false(error));
  return render(kFlash, d);
}

}  // namespace reviewbot::admin::page
