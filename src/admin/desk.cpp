#include "reviewbot/admin/desk.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>

#include "reviewbot/admin/passwords.h"
#include "reviewbot/core/links.h"

namespace reviewbot::admin {
namespace {

using http::Reply;
using http::Request;
using store::InboxItem;

std::optional<int64_t> positive_id(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<InboxItem::Kind> kind_from(const std::string& text) {
  if (text == "review") return InboxItem::Kind::kReview;
  if (text == "message") return InboxItem::Kind::kMessage;
  return std::nullopt;
}

// Only the dashboard's own pages are redirect targets.
std::string back_to(const std::string& back) {
  if (back == "/admin/inbox" || back.rfind("/admin/review?id=", 0) == 0) {
    if (back.find_first_of("\r\n") == std::string::npos) return back;
  }
  return "/admin/inbox";
}

std::string with_flash(const std::string& location, const char* flash) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") + "done=" + flash;
}

// The sentence a redirect's done=... stands for.
Flash flash_from(const http::Params& params) {
  const auto it = params.find("done");
  if (it == params.end()) return {};
  if (it->second == "sent") return {"Reply queued: the bot sends it now.", ""};
  if (it->second == "handled") return {"Marked handled.", ""};
  if (it->second == "unlinked") return {"That chat no longer gets alerts.", ""};
  return {};
}

std::string reason_text(const std::string& reason) {
  if (reason == "opted_out") return "Not sent: this customer said /stop and gets nothing more.";
  if (reason == "unreachable") return "Not sent: this customer has blocked the bot or has no chat.";
  return "Not sent: " + reason + ".";
}

std::string rule_in_words(const core::TemplateSet::Rule& rule) {
  if (rule.trigger == core::Trigger::kThankYou) return "Asked when a customer thanks the shop.";
  std::string out = "Asked after a sale";
  if (!rule.categories.empty()) {
    out += " with an item in ";
    for (std::size_t i = 0; i < rule.categories.size(); ++i) {
      out += (i == 0 ? "" : i + 1 == rule.categories.size() ? " or " : ", ") + rule.categories[i];
    }
  }
  if (rule.min_amount) out += ", amount at least " + std::to_string(*rule.min_amount).substr(0, 8);
  if (rule.max_amount) out += ", amount at most " + std::to_string(*rule.max_amount).substr(0, 8);
  return out + ".";
}

class Desk {
 public:
  explicit Desk(DeskSources s) : s_(std::move(s)) {}

  http::Routes routes(std::shared_ptr<Desk> self) const {
    using M = http::Route::Method;
    const auto page = [self](auto method) {
      return [self, method](const Request& req) { return ((*self).*method)(req); };
    };
    constexpr auto kOwner = http::Access::kOwner;
    return {
        {M::kGet, "/admin/inbox", kOwner, false, page(&Desk::inbox)},
        // A reply is an input: refused with 503 while the instance drains.
        {M::kPost, "/admin/inbox/reply", kOwner, true, page(&Desk::reply)},
        {M::kPost, "/admin/inbox/handled", kOwner, false, page(&Desk::handled)},
        {M::kGet, "/admin/review", kOwner, false, page(&Desk::review)},
        {M::kGet, "/admin/templates", kOwner, false, page(&Desk::templates)},
        {M::kGet, "/admin/alerts", kOwner, false, page(&Desk::alerts)},
        {M::kPost, "/admin/alerts/unlink", kOwner, false, page(&Desk::unlink)},
    };
  }

 private:
  const PageGuard& guard() const { return s_.guard; }

  Reply inbox_with(const store::OwnerSession& live, int status, const Flash& flash) const {
    auto items = s_.desk.inbox(200);
    if (!items) return guard().unavailable();
    std::vector<InboxEntry> entries;
    for (auto& item : *items) {
      auto key = random_token(16);
      if (!key) return guard().unavailable();
      entries.push_back(InboxEntry{std::move(item), *key});
    }
    return html_reply(status, inbox_page(guard().frame("Inbox", &live, "inbox"), entries, flash));
  }

  Reply inbox(const Request& req) const {
    Reply refusal;
    const auto live = guard().session(req, refusal);
    if (!live) return refusal;
    return inbox_with(*live, 200, flash_from(req.params));
  }

  // The review with this id; nullopt inside when there is none.
  core::Result<std::optional<core::Review>> find_review(int64_t id) const {
    store::ReviewFilter filter;
    filter.id = id;
    filter.limit = 1;
    auto found = s_.reads.list_reviews(filter);
    if (!found) return found.error();
    if (found->reviews.empty()) return std::optional<core::Review>();
    return std::optional<core::Review>(std::move(found->reviews.front()));
  }

  Reply review_with(const store::OwnerSession& live, int64_t id, int status,
                    const Flash& flash) const {
    const auto found = find_review(id);
    if (!found) return guard().unavailable();
    if (!found->has_value()) {
      return guard().message(404, &live, "No such review",
                             "There is no review " + std::to_string(id) + ".");
    }
    const auto messages = s_.desk.conversation_messages(id);
    if (!messages) return guard().unavailable();
    auto key = random_token(16);
    if (!key) return guard().unavailable();
    return html_reply(status, review_page(guard().frame("Review " + std::to_string(id), &live, ""),
                                          **found, *messages, *key, flash));
  }

  Reply review(const Request& req) const {
    Reply refusal;
    const auto live = guard().session(req, refusal);
    if (!live) return refusal;
    const auto it = req.params.find("id");
    const auto id = it == req.params.end() ? std::nullopt : positive_id(it->second);
    if (!id) return guard().message(400, &*live, "No such review", "The link has no review id.");
    return review_with(*live, *id, 200, flash_from(req.params));
  }

  // Where a reply goes: the review's chat (and the review), or the message's chat.
  struct Target {
    core::ChatId chat = 0;
    std::optional<int64_t> conversation_id;
  };
  std::optional<core::Result<Target>> target(InboxItem::Kind kind, int64_t id) const {
    if (kind == InboxItem::Kind::kReview) {
      const auto found = find_review(id);
      if (!found) return core::Result<Target>(found.error());
      if (!found->has_value() || !(*found)->chat_id) return std::nullopt;
      return core::Result<Target>(Target{*(*found)->chat_id, id});
    }
    const auto found = s_.desk.inbox_message(id);
    if (!found) return core::Result<Target>(found.error());
    if (!found->has_value()) return std::nullopt;
    return core::Result<Target>(Target{(*found)->customer.chat_id, std::nullopt});
  }

  // The page the form came from, with an error.
  Reply refuse(const store::OwnerSession& live, const std::string& back, int status,
               const std::string& error) const {
    if (back.rfind("/admin/review?id=", 0) == 0) {
      if (const auto id = positive_id(std::string_view(back).substr(17))) {
        return review_with(live, *id, status, Flash{"", error});
      }
    }
    return inbox_with(live, status, Flash{"", error});
  }

  Reply reply(const Request& req) const {
    Reply refusal;
    const auto live = guard().checked_post(req, refusal);
    if (!live) return refusal;
    const auto form = http::parse_form(req.body);
    const std::string back = back_to(form_field(form, "back"));
    const auto kind = kind_from(form_field(form, "kind"));
    const auto id = positive_id(form_field(form, "id"));
    const std::string key = form_field(form, "key");
    std::string text = form_field(form, "text");
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r')) {
      text.pop_back();
    }
    if (!kind || !id || key.empty() || key.size() > 64) {
      return refuse(*live, back, 400, "That reply form is incomplete. Reload the page.");
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      return refuse(*live, back, 400, "Write something to send.");
    }
    if (text.size() > kMaxReplyBytes) {
      return refuse(
          *live, back, 400,
          "That reply is too long: at most " + std::to_string(kMaxReplyBytes) + " bytes.");
    }
    const auto to = target(*kind, *id);
    if (!to) return refuse(*live, back, 404, "That customer cannot be found.");
    if (!*to) return guard().unavailable();
    const store::InboundKey input{store::InboundKey::Source::kEvent, "owner-reply:" + key};
    const auto result =
        s_.accept(input, core::OwnerReply{(*to)->chat, (*to)->conversation_id, std::move(text)});
    using Status = store::ProcessResult::Status;
    if (result.status == Status::kUnavailable) return guard().unavailable();
    if (result.status == Status::kApplied &&
        result.outcome.status == core::Outcome::Status::kSkipped) {
      return refuse(*live, back, 409, reason_text(result.outcome.reason));
    }
    spdlog::info("owner reply queued chat={} by={}", (*to)->chat, live->account);
    return redirect_reply(with_flash(back, "sent"));
  }

  Reply handled(const Request& req) const {
    Reply refusal;
    const auto live = guard().checked_post(req, refusal);
    if (!live) return refusal;
    const auto form = http::parse_form(req.body);
    const std::string back = back_to(form_field(form, "back"));
    const auto kind = kind_from(form_field(form, "kind"));
    const auto id = positive_id(form_field(form, "id"));
    if (!kind || !id) return refuse(*live, back, 400, "That form is incomplete. Reload the page.");
    const auto changed = s_.desk.mark_handled(*kind, *id, live->account, guard().clock().now());
    if (!changed) return guard().unavailable();
    return redirect_reply(with_flash(back, "handled"));
  }

  Reply templates(const Request& req) const {
    Reply refusal;
    const auto live = guard().session(req, refusal);
    if (!live) return refusal;
    const auto stats = s_.desk.variant_stats();
    if (!stats) return guard().unavailable();
    std::vector<store::VariantStats> retired;
    std::vector<TemplateView> views;
    if (s_.templates != nullptr) {
      views = template_views(*s_.templates, *stats, s_.business_name, retired);
    } else {
      retired = *stats;
    }
    return html_reply(
        200, templates_page(guard().frame("Templates", &*live, "templates"), views, retired));
  }

  Reply alerts_with(const store::OwnerSession& live, int status, const Flash& flash) const {
    const auto linked = s_.desk.owner_chats();
    if (!linked) return guard().unavailable();
    AlertsView view;
    view.link_minutes = kOwnerLinkMinutes;
    view.env_chat = s_.owner_chat_id;
    view.linked = *linked;
    const auto expires = guard().clock().now() + std::chrono::minutes(kOwnerLinkMinutes);
    if (auto parameter = core::make_owner_parameter(s_.link_secret, expires);
        parameter.ok() && !s_.bot_username.empty()) {
      view.parameter = *parameter;
      view.link = "https://t.me/" + s_.bot_username + "?start=" + view.parameter;
    }
    return html_reply(status, alerts_page(guard().frame("Alerts", &live, "alerts"), view, flash));
  }

  Reply alerts(const Request& req) const {
    Reply refusal;
    const auto live = guard().session(req, refusal);
    if (!live) return refusal;
    return alerts_with(*live, 200, flash_from(req.params));
  }

  Reply unlink(const Request& req) const {
    Reply refusal;
    const auto live = guard().checked_post(req, refusal);
    if (!live) return refusal;
    const auto chat = positive_id(form_field(http::parse_form(req.body), "chat"));
    if (!chat) return alerts_with(*live, 400, Flash{"", "That form names no chat."});
    const auto removed = s_.desk.unlink_owner_chat(*chat);
    if (!removed) return guard().unavailable();
    spdlog::info("owner chat unlinked chat={} by={}", *chat, live->account);
    return redirect_reply("/admin/alerts?done=unlinked");
  }

  DeskSources s_;
};

}  // namespace

std::vector<TemplateView> template_views(const core::TemplateSet& templates,
                                         const std::vector<store::VariantStats>& stats,
                                         const std::string& business_name,
                                         std::vector<store::VariantStats>& retired) {
  core::RenderVars sample;
  sample.business_name = business_name;
  sample.customer_name = "Ann";
  sample.items = {{"Latte", "coffee"}, {"Croissant", "bakery"}};
  sample.amount = 12.5;
  sample.currency = "USD";
  sample.transaction_id = "T-1001";

  std::vector<bool> used(stats.size(), false);
  std::vector<TemplateView> views;
  for (const auto& rule : templates.rules()) {
    TemplateView view{rule.name, rule_in_words(rule), {}};
    std::vector<std::string> variants = rule.variants;
    if (variants.empty()) variants.emplace_back();
    for (const auto& variant : variants) {
      TemplateView::Variant v{variant, store::VariantStats{rule.name, variant, 0, 0, 0}, {}};
      for (std::size_t i = 0; i < stats.size(); ++i) {
        if (stats[i].template_name == rule.name && stats[i].variant == variant) {
          v.stats = stats[i];
          used[i] = true;
        }
      }
      const std::string stem = variant.empty() ? rule.name : rule.name + "." + variant;
      for (const auto& [locale, files] : templates.sources()) {
        if (files.count(stem) == 0) continue;
        auto text =
            templates.render_request(core::TemplateChoice{rule.name, variant, locale}, sample);
        v.previews.push_back(text.ok() ? TemplateView::Preview{locale, *text, false}
                                       : TemplateView::Preview{locale, text.error().message, true});
      }
      view.variants.push_back(std::move(v));
    }
    views.push_back(std::move(view));
  }
  for (std::size_t i = 0; i < stats.size(); ++i) {
    if (!used[i]) retired.push_back(stats[i]);
  }
  return views;
}

http::Routes desk_routes(DeskSources sources) {
  auto desk = std::make_shared<Desk>(std::move(sources));
  return desk->routes(desk);
}

}  // namespace reviewbot::admin
