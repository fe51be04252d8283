// The owner's working pages under /admin, behind the dashboard's login (PageGuard):
// GET /admin/inbox, POST /admin/inbox/reply, POST /admin/inbox/handled,
// GET /admin/review?id=N, GET /admin/templates, GET /admin/alerts and
// POST /admin/alerts/unlink. A reply goes through the intake as a core::OwnerReply (so the
// engine's rules and the outbox's delivery rules apply) under a one-time key from the form,
// so a form sent twice replies once. Stateless routes over thread-safe parts.
#pragma once

#include <optional>
#include <string>

#include "reviewbot/admin/desk_pages.h"
#include "reviewbot/admin/page_guard.h"
#include "reviewbot/core/templates.h"
#include "reviewbot/http/accept.h"
#include "reviewbot/http/route.h"
#include "reviewbot/store/owner_desk.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

// Longest reply the owner may send (Telegram takes 4096 characters).
inline constexpr std::size_t kMaxReplyBytes = 4000;
// How long an owner link on the alerts page works.
inline constexpr int kOwnerLinkMinutes = 60;

// All references must outlive the routes.
struct DeskSources {
  store::OwnerReads& reads;
  store::OwnerDesk& desk;
  PageGuard guard;
  http::AcceptFn accept;                      // replies enter as inputs
  const core::TemplateSet* templates;         // the templates page; null: none loaded
  std::string business_name;                  // sample value of the previews
  std::string bot_username;                   // for the owner link; "" = unknown
  std::string link_secret;                    // signs the owner link
  std::optional<core::ChatId> owner_chat_id;  // OWNER_CHAT_ID, shown on the alerts page
};

http::Routes desk_routes(DeskSources sources);

// The templates page's data: each manifest entry with its rule in words, per variant the
// figures from `stats` and a preview in every locale that has it (sample values).
// Figures for names or variants no longer in the manifest go to `retired`.
std::vector<TemplateView> template_views(const core::TemplateSet& templates,
                                         const std::vector<store::VariantStats>& stats,
                                         const std::string& business_name,
                                         std::vector<store::VariantStats>& retired);

}  // namespace reviewbot::admin
