// The HTML of the owner's working pages: the inbox, one review's page (its messages with
// their delivery state, and a reply form), the templates with their figures, and the
// alert chats. Pure functions of plain data, like pages.h: every string from a customer,
// the shop or a template is escaped; a template preview keeps only Telegram's plain
// formatting tags (b, i, u, s, code, pre) and shows everything else as text.
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/admin/pages.h"
#include "reviewbot/core/types.h"
#include "reviewbot/store/owner_desk.h"

namespace reviewbot::admin {

// A notice (success) or an error shown at the top of a page; both may be empty.
struct Flash {
  std::string notice;
  std::string error;
};

// An inbox item with the one-time key its reply form carries (so a form sent twice
// replies once).
struct InboxEntry {
  store::InboxItem item;
  std::string reply_key;
};

std::string inbox_page(const PageFrame& frame, const std::vector<InboxEntry>& entries,
                       const Flash& flash);

// `reply_key` as in InboxEntry; the page shows the conversation's messages oldest first.
std::string review_page(const PageFrame& frame, const core::Review& review,
                        const std::vector<store::SentMessage>& messages,
                        const std::string& reply_key, const Flash& flash);

// One request template (a manifest entry) as the templates page shows it.
struct TemplateView {
  struct Preview {
    std::string locale;
    std::string text;  // rendered Telegram HTML, or the render error
    bool failed = false;
  };
  struct Variant {
    std::string name;  // "" for a template without variants
    store::VariantStats stats;
    std::vector<Preview> previews;
  };
  std::string name;
  std::string when;  // the rule in words: "sales of coffee over 10", "thank-you messages"
  std::vector<Variant> variants;
};

// `retired`: figures of templates or variants no longer in the manifest.
std::string templates_page(const PageFrame& frame, const std::vector<TemplateView>& templates,
                           const std::vector<store::VariantStats>& retired);

// How the owner's Telegram gets alerts.
struct AlertsView {
  std::string link;       // https://t.me/<bot>?start=<parameter>; "" when it cannot be made
  std::string parameter;  // for "/start <parameter>"
  int link_minutes = 0;   // how long the link works
  std::optional<core::ChatId> env_chat;  // OWNER_CHAT_ID
  std::vector<store::OwnerChat> linked;
};

std::string alerts_page(const PageFrame& frame, const AlertsView& view, const Flash& flash);

}  // namespace reviewbot::admin
