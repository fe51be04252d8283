// SqliteStore's outbox: claiming due rows in per-chat order under leases, settling claims
// that a stopped or dead instance left, and recording delivery results.
#include <SQLiteCpp/Transaction.h>

#include "reviewbot/store/sqlite_store.h"
#include "sqlite_detail.h"

namespace reviewbot::store {

using sqlite_detail::Stmt;

namespace {

// True for a pending row `o` that heads its chat: no row of the chat is in flight and none
// pending comes before it in (due_at, id) order. Callback answers (chat 0) always qualify.
constexpr const char* kHeadsItsChat =
    "(o.chat_id = 0 OR ("
    " NOT EXISTS (SELECT 1 FROM outbox f WHERE f.chat_id = o.chat_id AND f.claimed_by IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.status = 'pending'"
    "   AND p.chat_id = o.chat_id"
    "   AND (p.due_at < o.due_at OR (p.due_at = o.due_at AND p.id < o.id)))))";

// Columns read by read_rows.
constexpr const char* kRowColumns =
    "o.id, o.kind, o.payload, o.conversation_id, o.due_at, o.attempts";

// Decodes the rows of a query selecting kRowColumns. A row that can never be sent is
// failed (claim released, mark cleared), so it does not block its chat forever.
std::vector<OutboxRow> read_rows(sqlite_detail::Connection& c, SQLite::Statement& s) {
  std::vector<OutboxRow> rows;
  std::vector<std::pair<int64_t, std::string>> broken;
  while (s.executeStep()) {
    const int64_t id = s.getColumn(0).getInt64();
    const std::string kind_name = s.getColumn(1).getString();
    auto kind = core::message_kind_from_string(kind_name);
    auto body = core::message_body_from_json(s.getColumn(2).getString());
    if (!kind || !body) {
      broken.emplace_back(id, !kind ? "unknown kind " + kind_name : "malformed payload");
      continue;
    }
    rows.push_back(OutboxRow{id, *kind, std::move(*body), sqlite_detail::column_opt_int64(s, 3),
                             core::from_millis(s.getColumn(4).getInt64()),
                             s.getColumn(5).getInt()});
  }
  s.tryReset();
  for (const auto& [id, why] : broken) {
    Stmt u = c.stmt(
        "UPDATE outbox SET status = 'failed', last_error = ?, claimed_by = NULL, "
        "lease_until = NULL, sending_since = NULL WHERE id = ?");
    u->bind(1, why);
    u->bind(2, static_cast<int64_t>(id));
    u->exec();
  }
  return rows;
}

}  // namespace

core::Result<std::vector<OutboxRow>> SqliteStore::claim_due(const Lease& lease, core::Time now,
                                                            int limit) {
  if (limit <= 0) return std::vector<OutboxRow>{};
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    std::vector<OutboxRow> rows;
    {
      Stmt s = c.stmt(std::string("SELECT ") + kRowColumns +
                      " FROM outbox o WHERE o.status = 'pending' AND o.claimed_by IS NULL "
                      "AND o.due_at <= ?1 AND o.next_attempt_at <= ?1 AND " +
                      kHeadsItsChat + " ORDER BY o.due_at, o.id LIMIT ?2");
      sqlite_detail::bind_time(*s, 1, now);
      s->bind(2, limit);
      rows = read_rows(c, *s);
    }
    for (const auto& row : rows) {
      Stmt s = c.stmt("UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id = ?");
      s->bind(1, lease.owner);
      sqlite_detail::bind_time(*s, 2, lease.until);
      s->bind(3, static_cast<int64_t>(row.id));
      s->exec();
    }
    tx.commit();
    return rows;
  } catch (const std::exception& e) {
    return core::Error{std::string("claiming due outbox rows failed: ") + e.what()};
  }
}

core::Result<bool> SqliteStore::hold_lease(const std::string& name, const Lease& lease,
                                           core::Time now) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt(
        "INSERT INTO leases (name, holder, until) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO "
        "UPDATE SET holder = excluded.holder, until = excluded.until "
        "WHERE leases.holder = excluded.holder OR leases.until < ?4");
    s->bind(1, name);
    s->bind(2, lease.owner);
    sqlite_detail::bind_time(*s, 3, lease.until);
    sqlite_detail::bind_time(*s, 4, now);
    return s->exec() == 1;
  } catch (const std::exception& e) {
    return core::Error{"holding the " + name + " lease failed: " + e.what()};
  }
}

core::Status SqliteStore::release_lease(const std::string& name, const std::string& owner) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt("DELETE FROM leases WHERE name = ? AND holder = ?");
    s->bind(1, name);
    s->bind(2, owner);
    s->exec();
    return core::ok_status();
  } catch (const std::exception& e) {
    return core::Error{"releasing the " + name + " lease failed: " + e.what()};
  }
}

core::Result<int> SqliteStore::renew_claims(const Lease& lease) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt("UPDATE outbox SET lease_until = ? WHERE claimed_by = ?");
    sqlite_detail::bind_time(*s, 1, lease.until);
    s->bind(2, lease.owner);
    return s->exec();
  } catch (const std::exception& e) {
    return core::Error{std::string("renewing outbox claims failed: ") + e.what()};
  }
}

core::Status SqliteStore::complete(const std::string& owner, int64_t outbox_id,
                                   const DeliveryOutcome& outcome, core::Time now,
                                   const FollowUp* follow_up) {
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    std::optional<std::string> claimed_by;
    {
      Stmt s = c.stmt("SELECT claimed_by FROM outbox WHERE id = ?");
      s->bind(1, static_cast<int64_t>(outbox_id));
      if (!s->executeStep()) {
        return core::Error{"outbox row " + std::to_string(outbox_id) + " not found"};
      }
      claimed_by = sqlite_detail::column_opt_text(*s, 0);
    }
    if (claimed_by != owner && outcome.status != DeliveryOutcome::Status::kSent) {
      return core::Error{"outbox row " + std::to_string(outbox_id) + " is " +
                         (claimed_by ? "claimed by " + *claimed_by : std::string("not claimed")) +
                         ", not by " + owner};
    }
    switch (outcome.status) {
      case DeliveryOutcome::Status::kSent: {
        Stmt s = c.stmt(
            "UPDATE outbox SET status = 'sent', claimed_by = NULL, lease_until = NULL, "
            "sending_since = NULL, attempts = attempts + 1, sent_at = ?, "
            "platform_message_id = ? WHERE id = ?");
        sqlite_detail::bind_time(*s, 1, now);
        sqlite_detail::bind_opt(*s, 2, outcome.message_id);
        s->bind(3, static_cast<int64_t>(outbox_id));
        s->exec();
        break;
      }
      case DeliveryOutcome::Status::kRetry: {
        Stmt s = c.stmt(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL, sending_since = NULL, "
            "attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?");
        sqlite_detail::bind_time(*s, 1, outcome.retry_at);
        s->bind(2, outcome.reason);
        s->bind(3, static_cast<int64_t>(outbox_id));
        s->exec();
        break;
      }
      case DeliveryOutcome::Status::kDeferred: {
        Stmt s = c.stmt(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL, sending_since = NULL, "
            "next_attempt_at = ? WHERE id = ?");
        sqlite_detail::bind_time(*s, 1, outcome.retry_at);
        s->bind(2, static_cast<int64_t>(outbox_id));
        s->exec();
        break;
      }
      case DeliveryOutcome::Status::kFailed:
      case DeliveryOutcome::Status::kUnreachable: {
        Stmt s = c.stmt(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL, sending_since = NULL, "
            "attempts = attempts + 1, last_error = ?, "
            "status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END WHERE id = ?");
        s->bind(1, outcome.reason);
        s->bind(2, static_cast<int64_t>(outbox_id));
        s->exec();
        break;
      }
    }
    if (follow_up) {
      const core::Snapshot snapshot = sqlite_detail::load_snapshot(c, follow_up->lookup);
      const core::Decision decision = follow_up->decide(snapshot);
      sqlite_detail::apply_decision(c, decision, snapshot, now);
    }
    tx.commit();
    return core::ok_status();
  } catch (const std::exception& e) {
    return core::Error{"completing outbox row " + std::to_string(outbox_id) +
                       " failed: " + e.what()};
  }
}

core::Status SqliteStore::mark_sending(const std::string& owner, int64_t outbox_id,
                                       core::Time now) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt(
        "UPDATE outbox SET sending_since = ?1 WHERE id = ?2 AND claimed_by = ?3 "
        "AND lease_until > ?1");
    sqlite_detail::bind_time(*s, 1, now);
    s->bind(2, static_cast<int64_t>(outbox_id));
    s->bind(3, owner);
    if (s->exec() != 1) {
      return core::Error{"outbox row " + std::to_string(outbox_id) + " is not claimed by " + owner +
                         " with a live lease"};
    }
    return core::ok_status();
  } catch (const std::exception& e) {
    return core::Error{"marking outbox row " + std::to_string(outbox_id) +
                       " as sending failed: " + e.what()};
  }
}

core::Result<std::vector<OutboxRow>> SqliteStore::settle_claims(const Lease& lease, core::Time now,
                                                                bool own_too) {
  // ?1 owner, ?2 now: the claims to settle (expired ones of others, and maybe our own).
  const std::string settled = own_too ? "(o.claimed_by = ?1 OR o.lease_until < ?2)"
                                      : "(o.claimed_by <> ?1 AND o.lease_until < ?2)";
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    std::vector<OutboxRow> in_flight;
    {
      Stmt s = c.stmt(std::string("SELECT ") + kRowColumns +
                      " FROM outbox o WHERE o.claimed_by IS NOT NULL AND "
                      "o.sending_since IS NOT NULL AND " +
                      settled + " ORDER BY o.id");
      s->bind(1, lease.owner);
      sqlite_detail::bind_time(*s, 2, now);
      in_flight = read_rows(c, *s);
    }
    for (const auto& row : in_flight) {
      Stmt s = c.stmt("UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id = ?");
      s->bind(1, lease.owner);
      sqlite_detail::bind_time(*s, 2, lease.until);
      s->bind(3, static_cast<int64_t>(row.id));
      s->exec();
    }
    Stmt s = c.stmt(
        "UPDATE outbox AS o SET claimed_by = NULL, lease_until = NULL WHERE "
        "o.claimed_by IS NOT NULL AND o.sending_since IS NULL AND " +
        settled);
    s->bind(1, lease.owner);
    sqlite_detail::bind_time(*s, 2, now);
    s->exec();
    tx.commit();
    return in_flight;
  } catch (const std::exception& e) {
    return core::Error{std::string("settling outbox claims failed: ") + e.what()};
  }
}

core::Result<std::vector<OutboxRow>> SqliteStore::release_claims(const Lease& lease,
                                                                 core::Time now) {
  return settle_claims(lease, now, true);
}

core::Result<std::vector<OutboxRow>> SqliteStore::take_over_expired(const Lease& lease,
                                                                    core::Time now) {
  return settle_claims(lease, now, false);
}

std::optional<core::Time> SqliteStore::next_due() {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt(std::string("SELECT MIN(MAX(o.due_at, o.next_attempt_at)) FROM outbox o "
                                "WHERE o.status = 'pending' AND o.claimed_by IS NULL AND ") +
                    kHeadsItsChat);
    if (!s->executeStep() || s->isColumnNull(0)) return std::nullopt;
    return core::from_millis(s->getColumn(0).getInt64());
  } catch (const std::exception&) {
    // Wake the caller now: its claim_due reports the error.
    return now();
  }
}

}  // namespace reviewbot::store
