// SqliteStore's OwnerDesk: the inbox, a review's messages, failed sends, figures per
// template variant and the linked owner chats.
#include <algorithm>

#include "reviewbot/store/sqlite_store.h"
#include "row_codec.h"
#include "sqlite_detail.h"

namespace reviewbot::store {

using sqlite_detail::bind_time;
using sqlite_detail::column_opt_int64;
using sqlite_detail::column_opt_text;
using sqlite_detail::Connection;
using sqlite_detail::Stmt;

namespace {

core::Error failed(const std::string& what, const std::exception& e) {
  return core::Error{what + ": " + e.what()};
}

core::Time time_column(SQLite::Statement& s, int index) {
  return core::from_millis(s.getColumn(index).getInt64());
}

// A row of codec::kSentMessageColumns.
SentMessage read_sent(SQLite::Statement& s) {
  SentMessage m;
  m.id = s.getColumn(0).getInt64();
  m.kind = core::message_kind_from_string(s.getColumn(1).getString())
               .value_or(core::MessageKind::kNotice);
  m.chat_id = s.getColumn(2).getInt64();
  m.conversation_id = column_opt_int64(s, 3);
  m.status = s.getColumn(4).getString();
  m.attempts = s.getColumn(5).getInt();
  m.last_error = column_opt_text(s, 6);
  m.created_at = time_column(s, 7);
  m.due_at = time_column(s, 8);
  if (auto at = column_opt_int64(s, 9)) m.sent_at = core::from_millis(*at);
  auto [text, html] = codec::payload_text(s.getColumn(10).getString());
  m.text = std::move(text);
  m.html = html;
  return m;
}

std::vector<SentMessage> sent_rows(Stmt& s) {
  std::vector<SentMessage> out;
  while (s->executeStep()) out.push_back(read_sent(*s));
  return out;
}

// Columns 2..6 of the inbox queries.
CustomerNames read_names(SQLite::Statement& s) {
  return CustomerNames{s.getColumn(2).getInt64(), s.getColumn(3).getString(),
                       s.getColumn(4).getString(), s.getColumn(5).getString(),
                       column_opt_text(s, 6)};
}

constexpr const char* kMessageItem =
    "SELECT 'message', m.id, m.chat_id, cu.name, cu.telegram_name, cu.username, cu.external_id, "
    "NULL, NULL, m.text, m.received_at FROM inbox_messages m "
    "JOIN customers cu ON cu.id = m.customer_id";

InboxItem read_item(SQLite::Statement& s) {
  InboxItem item;
  item.kind =
      s.getColumn(0).getString() == "review" ? InboxItem::Kind::kReview : InboxItem::Kind::kMessage;
  item.id = s.getColumn(1).getInt64();
  item.customer = read_names(s);
  if (!s.isColumnNull(7)) item.rating = s.getColumn(7).getInt();
  item.comment = column_opt_text(s, 8);
  item.text = s.getColumn(9).getString();
  item.at = time_column(s, 10);
  return item;
}

void load_replies(Connection& c, InboxItem& item) {
  const bool review = item.kind == InboxItem::Kind::kReview;
  Stmt s = c.stmt(review ? std::string("SELECT ") + codec::kSentMessageColumns +
                               " FROM outbox o WHERE o.conversation_id = ? AND "
                               "o.kind = 'owner_reply' ORDER BY o.id"
                         : std::string("SELECT ") + codec::kSentMessageColumns +
                               " FROM outbox o WHERE o.chat_id = ? AND o.kind = 'owner_reply' "
                               "AND o.conversation_id IS NULL AND o.created_at >= ? ORDER BY o.id");
  if (review) {
    s->bind(1, static_cast<int64_t>(item.id));
  } else {
    s->bind(1, static_cast<int64_t>(item.customer.chat_id));
    bind_time(*s, 2, item.at);
  }
  item.replies = sent_rows(s);
}

}  // namespace

const char* to_string(InboxItem::Kind kind) {
  return kind == InboxItem::Kind::kReview ? "review" : "message";
}

core::Result<std::vector<InboxItem>> SqliteStore::inbox(int limit) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(
        std::string("SELECT 'review', c.id, c.chat_id, cu.name, cu.telegram_name, cu.username, "
                    "cu.external_id, c.rating, c.comment, '', c.answered_at FROM conversations c "
                    "JOIN customers cu ON cu.id = c.customer_id "
                    "WHERE c.rating <= 2 AND c.handled_at IS NULL UNION ALL ") +
        kMessageItem + " WHERE m.handled_at IS NULL ORDER BY 11 DESC, 2 DESC LIMIT ?");
    s->bind(1, std::clamp(limit, 1, 500));
    std::vector<InboxItem> items;
    while (s->executeStep()) items.push_back(read_item(*s));
    s->tryReset();
    for (auto& item : items) load_replies(c, item);
    return items;
  } catch (const std::exception& e) {
    return failed("reading the inbox failed", e);
  }
}

core::Result<bool> SqliteStore::mark_handled(InboxItem::Kind kind, int64_t id,
                                             const std::string& by, core::Time now) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt(kind == InboxItem::Kind::kReview
                        ? "UPDATE conversations SET handled_at = ?, handled_by = ? "
                          "WHERE id = ? AND rating IS NOT NULL AND handled_at IS NULL"
                        : "UPDATE inbox_messages SET handled_at = ?, handled_by = ? "
                          "WHERE id = ? AND handled_at IS NULL");
    bind_time(*s, 1, now);
    s->bind(2, by);
    s->bind(3, static_cast<int64_t>(id));
    return s->exec() == 1;
  } catch (const std::exception& e) {
    return failed("marking an inbox item handled failed", e);
  }
}

core::Result<std::optional<InboxItem>> SqliteStore::inbox_message(int64_t id) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(std::string(kMessageItem) + " WHERE m.id = ?");
    s->bind(1, static_cast<int64_t>(id));
    if (!s->executeStep()) return std::optional<InboxItem>();
    InboxItem item = read_item(*s);
    s->tryReset();
    load_replies(c, item);
    return std::optional<InboxItem>(std::move(item));
  } catch (const std::exception& e) {
    return failed("reading an inbox message failed", e);
  }
}

core::Result<std::vector<SentMessage>> SqliteStore::conversation_messages(int64_t conversation_id) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(std::string("SELECT ") + codec::kSentMessageColumns +
                    " FROM outbox o WHERE o.conversation_id = ? ORDER BY o.id");
    s->bind(1, static_cast<int64_t>(conversation_id));
    return sent_rows(s);
  } catch (const std::exception& e) {
    return failed("reading a review's messages failed", e);
  }
}

core::Result<std::vector<SentMessage>> SqliteStore::failed_messages(int limit) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(std::string("SELECT ") + codec::kSentMessageColumns +
                    " FROM outbox o WHERE o.status = 'failed' ORDER BY o.id DESC LIMIT ?");
    s->bind(1, std::clamp(limit, 1, 500));
    return sent_rows(s);
  } catch (const std::exception& e) {
    return failed("reading failed sends failed", e);
  }
}

core::Result<std::vector<VariantStats>> SqliteStore::variant_stats() {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(
        "SELECT c.template_name, c.variant, COUNT(s.conversation_id), COUNT(c.rating), "
        "COALESCE(SUM(c.rating), 0) FROM conversations c LEFT JOIN (SELECT DISTINCT "
        "conversation_id FROM outbox WHERE kind = 'request' AND status = 'sent') s "
        "ON s.conversation_id = c.id GROUP BY c.template_name, c.variant ORDER BY 1, 2");
    std::vector<VariantStats> out;
    while (s->executeStep()) {
      out.push_back(VariantStats{s->getColumn(0).getString(), s->getColumn(1).getString(),
                                 s->getColumn(2).getInt64(), s->getColumn(3).getInt64(),
                                 s->getColumn(4).getInt64()});
    }
    return out;
  } catch (const std::exception& e) {
    return failed("reading the template figures failed", e);
  }
}

core::Result<std::vector<OwnerChat>> SqliteStore::owner_chats() {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt("SELECT chat_id, linked_at FROM owner_chats ORDER BY chat_id");
    std::vector<OwnerChat> out;
    while (s->executeStep())
      out.push_back(OwnerChat{s->getColumn(0).getInt64(), time_column(*s, 1)});
    return out;
  } catch (const std::exception& e) {
    return failed("reading the owner chats failed", e);
  }
}

core::Result<bool> SqliteStore::unlink_owner_chat(core::ChatId chat) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt("DELETE FROM owner_chats WHERE chat_id = ?");
    s->bind(1, static_cast<int64_t>(chat));
    return s->exec() == 1;
  } catch (const std::exception& e) {
    return failed("unlinking an owner chat failed", e);
  }
}

}  // namespace reviewbot::store
