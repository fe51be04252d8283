#include "reviewbot/admin/pages.h"

#include <algorithm>
#include <cstdio>
#include <kainjow/mustache.hpp>
#include <memory>
#include <mutex>

#include "page_render.h"
#include "reviewbot/http/rfc3339.h"

namespace reviewbot::admin {
namespace {

using kainjow::mustache::data;
using page::day;
using page::fixed;
using page::frame_page;
using page::render;
using page::stars_text;
using page::text_or_false;

constexpr const char* kLogin =
    R"html({{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<form method="post" action="/admin/login" class="login">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="account">Account <small>(empty for ADMIN_TOKEN)</small></label>
<input id="account" name="account" autocomplete="username" value="{{account}}">
<label for="password">Password or ADMIN_TOKEN</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button>
</form>
)html";

constexpr const char* kOverview = R"html(<section class="cards" aria-label="Totals">
<div class="card"><span class="figure">{{sent}}</span><span>requests sent</span></div>
<div class="card"><span class="figure">{{responses}}</span><span>responses</span></div>
<div class="card"><span class="figure">{{rate}}</span><span>response rate</span></div>
<div class="card"><span class="figure">{{average}}</span><span>average rating</span></div>
</section>
<section aria-labelledby="dist">
<h2 id="dist">Ratings</h2>
{{{distribution}}}
<p><a href="/admin/reviews?stars=le2">Unhappy customers (★ 1–2)</a> · <a href="/admin/reviews">All reviews</a></p>
</section>
<section aria-labelledby="trend">
<h2 id="trend">Responses per week</h2>
{{{trend}}}
</section>
)html";

constexpr const char* kReviews = R"html(<form method="get" action="/admin/reviews" class="filters">
<label>Rating <select name="stars">{{#stars}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stars}}</select></label>
<label>Trigger <select name="trigger">{{#triggers}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/triggers}}</select></label>
<label>From <input type="date" name="from" value="{{from}}"></label>
<label>To <input type="date" name="to" value="{{to}}"></label>
<label>Search <input type="search" name="q" value="{{q}}" maxlength="200"></label>
<button type="submit">Filter</button>
<a href="/admin/reviews.csv?{{query}}" class="csv">Download CSV</a>
</form>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
{{#empty}}<p>No reviews match.</p>{{/empty}}
{{^empty}}
<div class="table"><table>
<thead><tr><th>When</th><th>Rating</th><th>Comment</th><th>Customer</th><th>Trigger</th><th>Template</th><th>Locale</th></tr></thead>
<tbody>
{{#reviews}}<tr>
<td data-label="When"><a href="/admin/review?id={{id}}"><time datetime="{{answered_at}}">{{answered_day}}</time></a></td>
<td data-label="Rating"><span class="stars" aria-label="{{rating}} of 5">{{stars}}</span></td>
<td data-label="Comment">{{#comment}}{{comment}}{{/comment}}{{^comment}}<span class="muted">no comment</span>{{/comment}}</td>
<td data-label="Customer">{{name}}{{#external_id}} <span class="muted">{{external_id}}</span>{{/external_id}}{{#telegram}}<br><span class="muted">Telegram: {{telegram}}</span>{{/telegram}}</td>
<td data-label="Trigger">{{trigger}}{{#transaction_id}} <span class="muted">{{transaction_id}}</span>{{/transaction_id}}</td>
<td data-label="Template">{{template}}{{#variant}} / {{variant}}{{/variant}}</td>
<td data-label="Locale">{{locale}}</td>
</tr>
{{/reviews}}
</tbody></table></div>
{{/empty}}
{{#next}}<p><a href="/admin/reviews?{{query}}&cursor={{next}}" rel="next">Older reviews →</a></p>{{/next}}
)html";

constexpr const char* kAccounts =
    R"html({{{flash}}}
<p>Everyone listed here, and whoever has ADMIN_TOKEN (as <strong>admin</strong>), can open this dashboard.</p>
{{#has_names}}<ul class="accounts">{{/has_names}}
{{#names}}<li>{{name}}
<form method="post" action="/admin/accounts/remove">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}">
<button type="submit" aria-label="Remove {{name}}">Remove</button>
</form></li>
{{/names}}
{{#has_names}}</ul>{{/has_names}}
<h2>Add an account</h2>
<form method="post" action="/admin/accounts" class="login">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="new-name">Name <small>(letters, digits, . _ @ -)</small></label>
<input id="new-name" name="name" required maxlength="64" autocomplete="off">
<label for="new-password">Password <small>(at least 10 characters)</small></label>
<input id="new-password" name="password" type="password" required minlength="10" autocomplete="new-password">
<button type="submit">Add account</button>
</form>
)html";

constexpr const char* kDelivery = R"html(<section class="cards" aria-label="Outbox">
<div class="card"><span class="figure">{{pending}}</span><span>messages waiting to be sent</span></div>
<div class="card"><span class="figure">{{failed}}</span><span>messages given up on</span></div>
<div class="card"><span class="figure">{{oldest}}</span><span>oldest waiting message</span></div>
<div class="card"><span class="figure">{{platform}}</span><span>Telegram</span></div>
</section>
<h2>Since this instance started</h2>
<table class="counters"><tbody>
{{#counters}}<tr><th scope="row">{{label}}</th><td>{{value}}</td></tr>
{{/counters}}
</tbody></table>
<p class="muted">The same figures, for every instance, are on <code>/metrics</code>.</p>
<h2>Messages given up on</h2>
{{^failed_sends}}<p class="muted">None.</p>{{/failed_sends}}
{{#has_failed}}<div class="table"><table>
<thead><tr><th>Due</th><th>Message</th><th>Chat</th><th>Attempts</th><th>Why</th></tr></thead>
<tbody>
{{#failed_sends}}<tr><td data-label="Due">{{due}}</td><td data-label="Message">{{kind}}{{#review}} · <a href="/admin/review?id={{review}}">review {{review}}</a>{{/review}}</td><td data-label="Chat">{{chat}}</td><td data-label="Attempts">{{attempts}}</td><td data-label="Why">{{why}}</td></tr>
{{/failed_sends}}
</tbody></table></div>{{/has_failed}}
)html";

std::string distribution_svg(const core::Stats& stats) {
  const int64_t top =
      std::max<int64_t>(1, *std::max_element(stats.distribution, stats.distribution + 5));
  constexpr int kRow = 34;
  constexpr int kLabel = 48;
  constexpr int kBar = 420;
  std::string svg = "<svg role=\"img\" aria-label=\"Ratings from 5 to 1 stars\" viewBox=\"0 0 " +
                    std::to_string(kLabel + kBar + 70) + " " + std::to_string(5 * kRow) +
                    "\" width=\"" + std::to_string(kLabel + kBar + 70) + "\">";
  for (int rating = 5; rating >= 1; --rating) {
    const int64_t count = stats.distribution[rating - 1];
    const int y = (5 - rating) * kRow;
    const int width = static_cast<int>(count * kBar / top);
    const std::string r = std::to_string(rating);
    svg += "<a href=\"/admin/reviews?stars=" + r + "\" aria-label=\"" + r +
           " stars: " + std::to_string(count) + " reviews\">";
    svg += "<text x=\"0\" y=\"" + std::to_string(y + 22) + "\" font-size=\"15\">" + r + " ★</text>";
    svg += "<rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y + 6) +
           "\" width=\"" + std::to_string(kBar) + "\" height=\"22\" fill=\"#e3e6ea\" rx=\"4\"/>";
    svg += "<rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y + 6) +
           "\" width=\"" + std::to_string(width) + "\" height=\"22\" fill=\"" +
           (rating <= 2   ? "#c5221f"
            : rating == 3 ? "#b36b00"
                          : "#188038") +
           "\" rx=\"4\"/>";
    svg += "<text x=\"" + std::to_string(kLabel + kBar + 8) + "\" y=\"" + std::to_string(y + 22) +
           "\" font-size=\"15\">" + std::to_string(count) + "</text></a>";
  }
  return svg + "</svg>";
}

// Columns of responses for each week, linked to that week's reviews, with the week's
// average rating above each column.
std::string trend_svg(const std::vector<TrendWeek>& trend) {
  int64_t top = 1;
  for (const auto& w : trend) top = std::max(top, w.responses);
  constexpr int kColumn = 46;
  constexpr int kHeight = 140;
  const int width = static_cast<int>(trend.size()) * kColumn;
  std::string svg =
      "<svg role=\"img\" aria-label=\"Responses per week, oldest first\" viewBox=\"0 0 " +
      std::to_string(width) + " " + std::to_string(kHeight + 44) + "\" width=\"" +
      std::to_string(width) + "\">";
  for (std::size_t i = 0; i < trend.size(); ++i) {
    const TrendWeek& w = trend[i];
    const int x = static_cast<int>(i) * kColumn;
    const int h = static_cast<int>(w.responses * (kHeight - 20) / top);
    const std::string from = day(w.start);
    const std::string to = day(w.start + std::chrono::hours(24 * 6));
    const std::string average = w.average ? fixed(*w.average, 1) : "";
    svg += "<a href=\"/admin/reviews?from=" + from + "&amp;to=" + to + "\" aria-label=\"Week of " +
           from + ": " + std::to_string(w.responses) + " responses" +
           (w.average ? ", average " + average : "") + "\">";
    svg += "<rect x=\"" + std::to_string(x + 6) + "\" y=\"" + std::to_string(kHeight - h) +
           "\" width=\"" + std::to_string(kColumn - 12) + "\" height=\"" +
           std::to_string(std::max(h, 1)) + "\" fill=\"#0b57d0\" rx=\"3\"/>";
    svg += "<text x=\"" + std::to_string(x + kColumn / 2) + "\" y=\"" +
           std::to_string(kHeight - h - 4) + "\" font-size=\"12\" text-anchor=\"middle\">" +
           std::to_string(w.responses) + "</text>";
    svg += "<text x=\"" + std::to_string(x + kColumn / 2) + "\" y=\"" +
           std::to_string(kHeight + 16) + "\" font-size=\"11\" text-anchor=\"middle\">" +
           from.substr(5) + "</text>";
    svg += "<text x=\"" + std::to_string(x + kColumn / 2) + "\" y=\"" +
           std::to_string(kHeight + 32) +
           "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5f6b7a\">" +
           (w.average ? average + "★" : "–") + "</text></a>";
  }
  return svg + "</svg>";
}

data options(const std::vector<std::pair<std::string, std::string>>& choices,
             const std::string& selected) {
  data list(data::type::list);
  for (const auto& [value, label] : choices) {
    data option;
    option.set("value", value);
    option.set("label", label);
    option.set("selected", value == selected);
    list.push_back(option);
  }
  return list;
}

}  // namespace

std::string login_page(const PageFrame& frame, const std::string& login_csrf,
                       const std::string& account, const std::string& error) {
  data d;
  d.set("csrf", login_csrf);
  d.set("account", account);
  d.set("error", error.empty() ? data(false) : data(error));
  return frame_page(frame, render(kLogin, d));
}

std::string overview_page(const PageFrame& frame, const core::Stats& stats,
                          const std::vector<TrendWeek>& trend) {
  data d;
  d.set("sent", std::to_string(stats.requests_sent));
  d.set("responses", std::to_string(stats.responses));
  d.set("rate", fixed(stats.response_rate * 100, 0) + " %");
  d.set("average", stats.average_rating ? fixed(*stats.average_rating, 2) + " ★" : "–");
  d.set("distribution", distribution_svg(stats));
  d.set("trend", trend_svg(trend));
  return frame_page(frame, render(kOverview, d));
}

std::string reviews_page(const PageFrame& frame, const ReviewListForm& form,
                         const std::vector<core::Review>& reviews,
                         std::optional<int64_t> next_cursor, const std::string& error) {
  data d;
  d.set("stars", options({{"", "Any"},
                          {"le2", "★ 1–2"},
                          {"ge4", "★ 4–5"},
                          {"1", "★ 1"},
                          {"2", "★ 2"},
                          {"3", "★ 3"},
                          {"4", "★ 4"},
                          {"5", "★ 5"}},
                         form.stars));
  d.set(
      "triggers",
      options({{"", "Any"}, {"transaction.completed", "Sale"}, {"thank_you", "Thank-you message"}},
              form.trigger));
  d.set("from", form.from);
  d.set("to", form.to);
  d.set("q", form.q);
  d.set("query", form.query_string);
  d.set("error", error.empty() ? data(false) : data(error));
  d.set("empty", reviews.empty());
  data rows(data::type::list);
  for (const auto& r : reviews) {
    data row;
    const std::string when = http::format_rfc3339(r.answered_at);
    row.set("answered_at", when);
    row.set("answered_day", when.substr(0, 10) + " " + when.substr(11, 5));
    row.set("rating", std::to_string(r.rating));
    row.set("stars", stars_text(r.rating));
    row.set("comment", text_or_false(r.comment));
    row.set("id", std::to_string(r.id));
    row.set("name", page::display_name(r.customer_name, r.telegram_name, r.chat_id.value_or(0)));
    row.set("external_id", text_or_false(r.external_id));
    row.set("telegram",
            text_or_false(page::telegram_label(r.customer_name, r.telegram_name, r.username)));
    row.set("trigger", r.trigger == core::Trigger::kThankYou ? "thank-you" : "sale");
    row.set("transaction_id", text_or_false(r.transaction_id));
    row.set("template", r.template_name);
    row.set("variant", r.variant.empty() ? data(false) : data(r.variant));
    row.set("locale", r.locale);
    rows.push_back(row);
  }
  d.set("reviews", rows);
  d.set("next", next_cursor ? data(std::to_string(*next_cursor)) : data(false));
  return frame_page(frame, render(kReviews, d));
}

std::string accounts_page(const PageFrame& frame, const std::vector<std::string>& names,
                          const std::string& notice, const std::string& error) {
  data d;
  const std::string csrf = frame.viewer ? frame.viewer->csrf_token : std::string();
  d.set("csrf", csrf);
  d.set("flash", page::flash(notice, error));
  data list(data::type::list);
  for (const auto& name : names) {
    data entry;
    entry.set("name", name);
    entry.set("csrf", csrf);
    list.push_back(entry);
  }
  d.set("names", list);
  d.set("has_names", !names.empty());
  return frame_page(frame, render(kAccounts, d));
}

std::string delivery_page(const PageFrame& frame, const DeliveryHealth& health) {
  const auto number = [](const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : std::string("?");
  };
  data d;
  d.set("pending", number(health.pending));
  d.set("failed", number(health.failed));
  std::string oldest = "–";
  if (health.oldest_due_seconds && *health.oldest_due_seconds > 0) {
    const int64_t s = *health.oldest_due_seconds;
    oldest = s < 120 ? std::to_string(s) + " s" : std::to_string(s / 60) + " min";
  }
  d.set("oldest", oldest);
  d.set("platform", health.platform);
  data rows(data::type::list);
  for (const auto& [label, value] : health.counters) {
    data row;
    row.set("label", label);
    row.set("value", std::to_string(value));
    rows.push_back(row);
  }
  d.set("counters", rows);
  data failed(data::type::list);
  for (const auto& m : health.failed_sends) {
    data row;
    row.set("due", page::minute(m.due_at));
    row.set("kind", core::to_string(m.kind));
    row.set("review", m.conversation_id ? data(std::to_string(*m.conversation_id)) : data(false));
    row.set("chat", std::to_string(m.chat_id));
    row.set("attempts", std::to_string(m.attempts));
    row.set("why", m.last_error.value_or("unknown"));
    failed.push_back(row);
  }
  d.set("failed_sends", failed);
  d.set("has_failed", !health.failed_sends.empty());
  return frame_page(frame, render(kDelivery, d));
}

std::string message_page(const PageFrame& frame, const std::string& text) {
  data d;
  d.set("text", text);
  return frame_page(frame, render("<p>{{text}}</p>\n", d));
}

}  // namespace reviewbot::admin
