// PgStore's OwnerDesk, per business: the inbox, a review's messages, failed sends, figures
// per template variant and the linked owner chats.
#include <algorithm>

#include "pg_detail.h"
#include "reviewbot/store/pg_store.h"
#include "row_codec.h"

namespace reviewbot::store {

using pg_detail::int64_at;
using pg_detail::opt_int64_at;
using pg_detail::opt_time_at;
using pg_detail::run;
using pg_detail::time_at;

namespace {

// A row of codec::kSentMessageColumns.
SentMessage sent_at_row(const pg::QueryResult& r, int i) {
  SentMessage m;
  m.id = int64_at(r, i, 0);
  m.kind = core::message_kind_from_string(r.text(i, 1)).value_or(core::MessageKind::kNotice);
  m.chat_id = int64_at(r, i, 2);
  m.conversation_id = opt_int64_at(r, i, 3);
  m.status = r.text(i, 4);
  m.attempts = static_cast<int>(int64_at(r, i, 5));
  m.last_error = r.value(i, 6);
  m.created_at = time_at(r, i, 7);
  m.due_at = time_at(r, i, 8);
  m.sent_at = opt_time_at(r, i, 9);
  auto [text, html] = codec::payload_text(r.text(i, 10));
  m.text = std::move(text);
  m.html = html;
  return m;
}

std::vector<SentMessage> sent_rows(const pg::QueryResult& r) {
  std::vector<SentMessage> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(sent_at_row(r, i));
  return out;
}

constexpr const char* kMessageItem =
    "SELECT 'message', m.id, m.chat_id, cu.name, cu.telegram_name, cu.username, cu.external_id, "
    "NULL::integer, NULL::text, m.text, m.received_at FROM inbox_messages m "
    "JOIN customers cu ON cu.id = m.customer_id WHERE m.business_id = $1";

InboxItem item_at(const pg::QueryResult& r, int i) {
  InboxItem item;
  item.kind = r.text(i, 0) == "review" ? InboxItem::Kind::kReview : InboxItem::Kind::kMessage;
  item.id = int64_at(r, i, 1);
  item.customer =
      CustomerNames{int64_at(r, i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.value(i, 6)};
  if (auto rating = opt_int64_at(r, i, 7)) item.rating = static_cast<int>(*rating);
  item.comment = r.value(i, 8);
  item.text = r.text(i, 9);
  item.at = time_at(r, i, 10);
  return item;
}

void load_replies(pg::Connection& c, const std::string& business, InboxItem& item) {
  const std::string select = std::string("SELECT ") + codec::kSentMessageColumns +
                             " FROM outbox o WHERE o.business_id = $1 AND o.kind = 'owner_reply'";
  if (item.kind == InboxItem::Kind::kReview) {
    item.replies = sent_rows(
        run(c, select + " AND o.conversation_id = $2 ORDER BY o.id", {business, item.id}));
  } else {
    item.replies = sent_rows(run(c,
                                 select + " AND o.chat_id = $2 AND o.conversation_id IS NULL AND "
                                          "o.created_at >= $3 ORDER BY o.id",
                                 {business, item.customer.chat_id, core::to_millis(item.at)}));
  }
}

}  // namespace

core::Result<std::vector<InboxItem>> PgStore::inbox(int limit) {
  std::vector<InboxItem> items;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    items.clear();
    const auto r = run(
        c,
        std::string("SELECT 'review', c.id, c.chat_id, cu.name, cu.telegram_name, cu.username, "
                    "cu.external_id, c.rating, c.comment, '', c.answered_at FROM conversations c "
                    "JOIN customers cu ON cu.id = c.customer_id WHERE c.business_id = $1 AND "
                    "c.rating <= 2 AND c.handled_at IS NULL UNION ALL ") +
            kMessageItem + " AND m.handled_at IS NULL ORDER BY 11 DESC, 2 DESC LIMIT $2",
        {options_.business_id, std::clamp(limit, 1, 500)});
    for (int i = 0; i < r.rows(); ++i) items.push_back(item_at(r, i));
    for (auto& item : items) load_replies(c, options_.business_id, item);
  });
  if (!status) return pg_detail::as_core("reading the inbox failed", status.error());
  return items;
}

core::Result<bool> PgStore::mark_handled(InboxItem::Kind kind, int64_t id, const std::string& by,
                                         core::Time now) {
  bool changed = false;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    changed = run(c,
                  kind == InboxItem::Kind::kReview
                      ? "UPDATE conversations SET handled_at = $3, handled_by = $4 "
                        "WHERE business_id = $1 AND id = $2 AND rating IS NOT NULL AND "
                        "handled_at IS NULL"
                      : "UPDATE inbox_messages SET handled_at = $3, handled_by = $4 "
                        "WHERE business_id = $1 AND id = $2 AND handled_at IS NULL",
                  {options_.business_id, id, core::to_millis(now), by})
                  .affected_rows() == 1;
  });
  if (!status) return pg_detail::as_core("marking an inbox item handled failed", status.error());
  return changed;
}

core::Result<std::optional<InboxItem>> PgStore::inbox_message(int64_t id) {
  std::optional<InboxItem> found;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c, std::string(kMessageItem) + " AND m.id = $2", {options_.business_id, id});
    if (r.rows() == 0) return;
    found = item_at(r, 0);
    load_replies(c, options_.business_id, *found);
  });
  if (!status) return pg_detail::as_core("reading an inbox message failed", status.error());
  return found;
}

core::Result<std::vector<SentMessage>> PgStore::conversation_messages(int64_t conversation_id) {
  std::vector<SentMessage> out;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    out = sent_rows(run(c,
                        std::string("SELECT ") + codec::kSentMessageColumns +
                            " FROM outbox o WHERE o.business_id = $1 AND o.conversation_id = $2 "
                            "ORDER BY o.id",
                        {options_.business_id, conversation_id}));
  });
  if (!status) return pg_detail::as_core("reading a review's messages failed", status.error());
  return out;
}

core::Result<std::vector<SentMessage>> PgStore::failed_messages(int limit) {
  std::vector<SentMessage> out;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    out = sent_rows(run(c,
                        std::string("SELECT ") + codec::kSentMessageColumns +
                            " FROM outbox o WHERE o.business_id = $1 AND o.status = 'failed' "
                            "ORDER BY o.id DESC LIMIT $2",
                        {options_.business_id, std::clamp(limit, 1, 500)}));
  });
  if (!status) return pg_detail::as_core("reading failed sends failed", status.error());
  return out;
}

core::Result<std::vector<VariantStats>> PgStore::variant_stats() {
  std::vector<VariantStats> out;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    out.clear();
    const auto r = run(c,
                       "SELECT c.template_name, c.variant, COUNT(s.conversation_id), "
                       "COUNT(c.rating), COALESCE(SUM(c.rating), 0) FROM conversations c "
                       "LEFT JOIN (SELECT DISTINCT conversation_id FROM outbox WHERE "
                       "business_id = $1 AND kind = 'request' AND status = 'sent') s "
                       "ON s.conversation_id = c.id WHERE c.business_id = $1 "
                       "GROUP BY c.template_name, c.variant ORDER BY 1, 2",
                       {options_.business_id});
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(VariantStats{r.text(i, 0), r.text(i, 1), int64_at(r, i, 2), int64_at(r, i, 3),
                                 int64_at(r, i, 4)});
    }
  });
  if (!status) return pg_detail::as_core("reading the template figures failed", status.error());
  return out;
}

core::Result<std::vector<OwnerChat>> PgStore::owner_chats() {
  std::vector<OwnerChat> out;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    out.clear();
    const auto r = run(c,
                       "SELECT chat_id, linked_at FROM owner_chats WHERE business_id = $1 "
                       "ORDER BY chat_id",
                       {options_.business_id});
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(OwnerChat{int64_at(r, i, 0), time_at(r, i, 1)});
  });
  if (!status) return pg_detail::as_core("reading the owner chats failed", status.error());
  return out;
}

core::Result<bool> PgStore::unlink_owner_chat(core::ChatId chat) {
  bool removed = false;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    removed = run(c, "DELETE FROM owner_chats WHERE business_id = $1 AND chat_id = $2",
                  {options_.business_id, chat})
                  .affected_rows() == 1;
  });
  if (!status) return pg_detail::as_core("unlinking an owner chat failed", status.error());
  return removed;
}

}  // namespace reviewbot::store
