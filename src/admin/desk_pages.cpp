#include "reviewbot/admin/desk_pages.h"

#include <algorithm>

#include "page_render.h"
#include "reviewbot/http/rfc3339.h"

namespace reviewbot::admin {
namespace {

using page::data;
using page::display_name;
using page::escape;
using page::telegram_label;
using page::telegram_preview;
using page::text_or_false;

constexpr const char* kReplyForm =
    R"html(<form method="post" action="/admin/inbox/reply" class="reply-form">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="kind" value="{{kind}}"><input type="hidden" name="id" value="{{id}}"><input type="hidden" name="key" value="{{key}}"><input type="hidden" name="back" value="{{back}}">
<label for="reply-{{anchor}}">Reply to {{name}} <small>(sent by the bot as a Telegram message)</small></label>
<textarea id="reply-{{anchor}}" name="text" rows="2" maxlength="4000" required></textarea>
<button type="submit">Send reply</button>
</form>
)html";

constexpr const char* kHandledForm =
    R"html(<form method="post" action="/admin/inbox/handled" class="handled-form">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="kind" value="{{kind}}"><input type="hidden" name="id" value="{{id}}"><input type="hidden" name="back" value="{{back}}">
<button type="submit" class="secondary">Mark handled</button>
</form>
)html";

constexpr const char* kInbox = R"html({{{flash}}}
<p class="muted">Ratings of 2 stars or less, and messages customers wrote to the bot, until you mark them handled.</p>
{{#empty}}<p class="notice" role="status">Nothing to handle.</p>{{/empty}}
<ul class="inbox">
{{#items}}<li class="inbox-item" id="{{anchor}}">
<p class="meta">{{#is_review}}<span class="stars" aria-label="{{rating}} of 5">{{stars}}</span>{{/is_review}}{{^is_review}}<span class="tag">Message</span>{{/is_review}} <time datetime="{{at_iso}}">{{at}}</time> · <strong>{{name}}</strong>{{#external_id}} <span class="muted">{{external_id}}</span>{{/external_id}}{{#telegram}} <span class="muted">Telegram: {{telegram}}</span>{{/telegram}}</p>
{{#is_review}}<blockquote>{{#comment}}{{comment}}{{/comment}}{{^comment}}<span class="muted">no comment</span>{{/comment}}</blockquote>
<p><a href="/admin/review?id={{id}}">Open the review</a></p>{{/is_review}}
{{^is_review}}<blockquote>{{text}}</blockquote>{{/is_review}}
{{#replies}}<p class="reply">You replied: {{text}} <span class="muted">({{status}})</span></p>
{{/replies}}
{{{reply_form}}}{{{handled_form}}}</li>
{{/items}}
</ul>
)html";

constexpr const char* kReview = R"html({{{flash}}}
<p class="stars big" aria-label="{{rating}} of 5">{{stars}}</p>
<dl class="facts">
<dt>Customer</dt><dd>{{name}}{{#external_id}} <span class="muted">{{external_id}}</span>{{/external_id}}</dd>
{{#telegram}}<dt>Telegram</dt><dd>{{telegram}}</dd>{{/telegram}}
{{#chat_id}}<dt>Chat</dt><dd>{{chat_id}}</dd>{{/chat_id}}
<dt>Asked about</dt><dd>{{trigger}}{{#transaction_id}} {{transaction_id}}{{/transaction_id}}{{#amount}}, {{amount}}{{/amount}}{{#items}}<br>{{items}}{{/items}}</dd>
<dt>Template</dt><dd>{{template}}{{#variant}} / {{variant}}{{/variant}} · {{locale}}</dd>
<dt>Status</dt><dd>{{#handled}}handled {{handled}}{{/handled}}{{^handled}}not handled yet{{/handled}}</dd>
</dl>
<h2>Comment</h2>
<blockquote>{{#comment}}{{comment}}{{/comment}}{{^comment}}<span class="muted">no comment</span>{{/comment}}</blockquote>
<h2>Timeline</h2>
<ol class="timeline">
{{#timeline}}<li class="{{class}}"><time datetime="{{at_iso}}">{{at}}</time> <strong>{{label}}</strong>{{#status}} <span class="status">{{status}}</span>{{/status}}{{#said}}<div class="said">{{{said}}}</div>{{/said}}</li>
{{/timeline}}
</ol>
{{{reply_form}}}{{{handled_form}}}
<p><a href="/admin/reviews">← All reviews</a></p>
)html";

constexpr const char* kTemplates =
    R"html(<p class="muted">Every request template in every language, as a customer sees it with sample values, and how each variant does. A sale gets the first template whose rule fits; a customer always gets the same variant of it.</p>
{{#templates}}<section class="template" aria-labelledby="t-{{name}}">
<h2 id="t-{{name}}">{{name}}</h2>
<p class="muted">{{when}}</p>
<div class="table"><table>
<thead><tr><th>Variant</th><th>Requests sent</th><th>Responses</th><th>Response rate</th><th>Average</th></tr></thead>
<tbody>
{{#variants}}<tr><td data-label="Variant">{{label}}</td><td data-label="Requests sent">{{sent}}</td><td data-label="Responses">{{responses}}</td><td data-label="Response rate">{{rate}}</td><td data-label="Average">{{average}}</td></tr>
{{/variants}}
</tbody></table></div>
{{#variants}}<div class="previews">
{{#previews}}<details{{#open}} open{{/open}}><summary>{{label}} · {{locale}}</summary><div class="bubble{{#failed}} failed{{/failed}}">{{{html}}}</div></details>
{{/previews}}</div>
{{/variants}}
</section>
{{/templates}}
{{#has_retired}}<section aria-labelledby="retired"><h2 id="retired">No longer in templates.json</h2>
<div class="table"><table>
<thead><tr><th>Template</th><th>Requests sent</th><th>Responses</th><th>Response rate</th><th>Average</th></tr></thead>
<tbody>
{{#retired}}<tr><td data-label="Template">{{label}}</td><td data-label="Requests sent">{{sent}}</td><td data-label="Responses">{{responses}}</td><td data-label="Response rate">{{rate}}</td><td data-label="Average">{{average}}</td></tr>
{{/retired}}
</tbody></table></div></section>{{/has_retired}}
)html";

constexpr const char* kAlerts = R"html({{{flash}}}
<p>When a customer rates 2 stars or less, an alert with their name, the sale, the comment and a link to the review goes to every chat below. The chats that get alerts are never asked for reviews.</p>
<h2>Connect your Telegram</h2>
{{#link}}<p><a class="button" href="{{link}}" rel="noreferrer">Open the bot in Telegram and press Start</a></p>
<p class="muted">Or send this message to the bot: <code>/start {{parameter}}</code> — the link works for {{minutes}} minutes. Whoever opens it gets the alerts, so keep it to yourself.</p>{{/link}}
{{^link}}<p class="error" role="alert">No owner link can be made: {{why}}</p>{{/link}}
<h2>Chats that get alerts</h2>
{{#env}}<p>Chat {{env}} <span class="muted">(OWNER_CHAT_ID)</span></p>{{/env}}
{{#has_linked}}<ul class="accounts">
{{#linked}}<li>Chat {{chat}} <span class="muted">connected {{at}}</span>
<form method="post" action="/admin/alerts/unlink"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="chat" value="{{chat}}"><button type="submit" aria-label="Disconnect chat {{chat}}">Disconnect</button></form></li>
{{/linked}}</ul>{{/has_linked}}
{{#none}}<p class="muted">No chat gets alerts yet.</p>{{/none}}
<p class="muted">In that chat, <code>/stop</code> ends its alerts too.</p>
)html";

std::string csrf_of(const PageFrame& frame) {
  return frame.viewer ? frame.viewer->csrf_token : std::string();
}

std::string status_label(const store::SentMessage& m) {
  if (m.status == "sent") return m.sent_at ? "sent " + page::minute(*m.sent_at) : "sent";
  if (m.status == "failed") return "not delivered: " + m.last_error.value_or("unknown reason");
  if (m.status == "cancelled") return "cancelled (no longer needed)";
  if (m.attempts > 0 && m.last_error) {
    return "retrying (" + std::to_string(m.attempts) + " attempts): " + *m.last_error;
  }
  return "waiting to be sent";
}

std::string kind_label(const store::SentMessage& m) {
  using core::MessageKind;
  switch (m.kind) {
    case MessageKind::kRequest:
      return "Review request";
    case MessageKind::kReminder:
      return "Reminder";
    case MessageKind::kRatingAck:
      return "Request updated with the rating";
    case MessageKind::kCommentPrompt:
      return m.text.empty() ? "Skip button removed" : "Comment prompt";
    case MessageKind::kThankYou:
      return "Thank-you";
    case MessageKind::kOwnerAlert:
      return "Owner alert";
    case MessageKind::kCallbackAnswer:
      return "Button answered";
    case MessageKind::kNotice:
      return "Notice";
    case MessageKind::kOwnerReply:
      return "Your reply";
  }
  return "Message";
}

std::string money(const std::optional<double>& amount, const std::string& currency) {
  if (!amount) return "";
  return page::fixed(*amount, 2) + (currency.empty() ? "" : " " + currency);
}

data form_data(const PageFrame& frame, store::InboxItem::Kind kind, int64_t id,
               const std::string& name, const std::string& key, const std::string& back) {
  data d;
  d.set("csrf", csrf_of(frame));
  d.set("kind", store::to_string(kind));
  d.set("id", std::to_string(id));
  d.set("anchor", std::string(store::to_string(kind)) + "-" + std::to_string(id));
  d.set("name", name);
  d.set("key", key);
  d.set("back", back);
  return d;
}

data replies_data(const std::vector<store::SentMessage>& replies) {
  data list(data::type::list);
  for (const auto& r : replies) {
    data entry;
    entry.set("text", r.text);
    entry.set("status", status_label(r));
    list.push_back(entry);
  }
  return list;
}

std::string percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "–";
  return page::fixed(100.0 * std::min<double>(1.0, static_cast<double>(part) / whole), 0) + " %";
}

data figures(const store::VariantStats& s, const std::string& label) {
  data d;
  d.set("label", label);
  d.set("sent", std::to_string(s.requests_sent));
  d.set("responses", std::to_string(s.responses));
  d.set("rate", percent(s.responses, s.requests_sent));
  d.set("average", s.responses > 0
                       ? page::fixed(static_cast<double>(s.rating_sum) / s.responses, 2) + " ★"
                       : std::string("–"));
  return d;
}

}  // namespace

std::string inbox_page(const PageFrame& frame, const std::vector<InboxEntry>& entries,
                       const Flash& flash) {
  data d;
  d.set("flash", page::flash(flash.notice, flash.error));
  d.set("empty", entries.empty());
  data items(data::type::list);
  for (const auto& [item, key] : entries) {
    const bool review = item.kind == store::InboxItem::Kind::kReview;
    const auto& c = item.customer;
    const std::string name = display_name(c.name, c.telegram_name, c.chat_id);
    data row;
    row.set("is_review", review);
    row.set("id", std::to_string(item.id));
    row.set("anchor", std::string(store::to_string(item.kind)) + "-" + std::to_string(item.id));
    row.set("rating", std::to_string(item.rating.value_or(0)));
    row.set("stars", page::stars_text(item.rating.value_or(0)));
    row.set("at_iso", http::format_rfc3339(item.at));
    row.set("at", page::minute(item.at));
    row.set("name", name);
    row.set("external_id", text_or_false(c.external_id));
    row.set("telegram", text_or_false(telegram_label(c.name, c.telegram_name, c.username)));
    row.set("comment", text_or_false(item.comment));
    row.set("text", item.text);
    row.set("replies", replies_data(item.replies));
    const data form = form_data(frame, item.kind, item.id, name, key, "/admin/inbox");
    row.set("reply_form", page::render(kReplyForm, form));
    row.set("handled_form", page::render(kHandledForm, form));
    items.push_back(row);
  }
  d.set("items", items);
  return page::frame_page(frame, page::render(kInbox, d));
}

std::string review_page(const PageFrame& frame, const core::Review& r,
                        const std::vector<store::SentMessage>& messages,
                        const std::string& reply_key, const Flash& flash) {
  const core::ChatId chat = r.chat_id.value_or(0);
  const std::string name = display_name(r.customer_name, r.telegram_name, chat);
  data d;
  d.set("flash", page::flash(flash.notice, flash.error));
  d.set("rating", std::to_string(r.rating));
  d.set("stars", page::stars_text(r.rating));
  d.set("name", name);
  d.set("external_id", text_or_false(r.external_id));
  d.set("telegram", text_or_false(telegram_label(r.customer_name, r.telegram_name, r.username)));
  d.set("chat_id", chat != 0 ? data(std::to_string(chat)) : data(false));
  d.set("trigger", r.trigger == core::Trigger::kThankYou ? "a thank-you message" : "sale");
  d.set("transaction_id", text_or_false(r.transaction_id));
  d.set("amount", text_or_false(money(r.amount, r.currency)));
  std::string items;
  for (const auto& item : r.items) items += (items.empty() ? "" : ", ") + item.name;
  d.set("items", text_or_false(items));
  d.set("template", r.template_name);
  d.set("variant", text_or_false(r.variant));
  d.set("locale", r.locale);
  d.set("handled", r.handled_at ? data(page::minute(*r.handled_at)) : data(false));
  d.set("comment", text_or_false(r.comment));

  struct Entry {
    core::Time at;
    int64_t order;
    data value;
  };
  std::vector<Entry> entries;
  for (const auto& m : messages) {
    if (m.kind == core::MessageKind::kCallbackAnswer) continue;
    data e;
    const core::Time at = m.sent_at.value_or(m.due_at);
    e.set("at_iso", http::format_rfc3339(at));
    e.set("at", page::minute(at));
    e.set("label", kind_label(m));
    e.set("status", status_label(m));
    e.set("said", text_or_false(m.html ? telegram_preview(m.text) : escape(m.text)));
    e.set("class", m.status);
    entries.push_back(Entry{at, m.id, e});
  }
  data rated;
  rated.set("at_iso", http::format_rfc3339(r.answered_at));
  rated.set("at", page::minute(r.answered_at));
  rated.set("label", name + " rated " + page::stars_text(r.rating));
  rated.set("status", false);
  rated.set("said", r.comment ? text_or_false(escape(*r.comment)) : data(false));
  rated.set("class", "customer");
  entries.push_back(Entry{r.answered_at, 0, rated});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  data timeline(data::type::list);
  for (auto& e : entries) timeline.push_back(e.value);
  d.set("timeline", timeline);

  const std::string back = "/admin/review?id=" + std::to_string(r.id);
  const data form = form_data(frame, store::InboxItem::Kind::kReview, r.id, name, reply_key, back);
  d.set("reply_form", page::render(kReplyForm, form));
  d.set("handled_form", r.handled_at ? std::string() : page::render(kHandledForm, form));
  return page::frame_page(frame, page::render(kReview, d));
}

std::string templates_page(const PageFrame& frame, const std::vector<TemplateView>& templates,
                           const std::vector<store::VariantStats>& retired) {
  data d;
  data list(data::type::list);
  for (const auto& t : templates) {
    data entry;
    entry.set("name", t.name);
    entry.set("when", t.when);
    data variants(data::type::list);
    for (const auto& v : t.variants) {
      const std::string label = v.name.empty() ? std::string("(one text)") : v.name;
      data row = figures(v.stats, label);
      data previews(data::type::list);
      for (const auto& p : v.previews) {
        data preview;
        preview.set("label", label);
        preview.set("locale", p.locale);
        preview.set("open", p.locale == "en");
        preview.set("failed", p.failed);
        preview.set("html", p.failed ? "Cannot be shown: " + telegram_preview(p.text)
                                     : telegram_preview(p.text));
        previews.push_back(preview);
      }
      row.set("previews", previews);
      variants.push_back(row);
    }
    entry.set("variants", variants);
    list.push_back(entry);
  }
  d.set("templates", list);
  data old(data::type::list);
  for (const auto& s : retired) {
    old.push_back(figures(s, s.template_name + (s.variant.empty() ? "" : " / " + s.variant)));
  }
  d.set("retired", old);
  d.set("has_retired", !retired.empty());
  return page::frame_page(frame, page::render(kTemplates, d));
}

std::string alerts_page(const PageFrame& frame, const AlertsView& view, const Flash& flash) {
  data d;
  d.set("flash", page::flash(flash.notice, flash.error));
  d.set("link", text_or_false(view.link));
  d.set("parameter", view.parameter);
  d.set("minutes", std::to_string(view.link_minutes));
  d.set("why", "the bot's username is unknown (Telegram did not answer getMe at start).");
  d.set("env", view.env_chat ? data(std::to_string(*view.env_chat)) : data(false));
  data linked(data::type::list);
  for (const auto& chat : view.linked) {
    data entry;
    entry.set("chat", std::to_string(chat.chat_id));
    entry.set("at", page::minute(chat.linked_at));
    entry.set("csrf", csrf_of(frame));
    linked.push_back(entry);
  }
  d.set("linked", linked);
  d.set("has_linked", !view.linked.empty());
  d.set("none", view.linked.empty() && !view.env_chat);
  return page::frame_page(frame, page::render(kAlerts, d));
}

}  // namespace reviewbot::admin
