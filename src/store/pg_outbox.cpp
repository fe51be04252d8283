// PgStore's outbox: claiming due rows in per-chat order under leases, shared by several
// instances, settling claims that a stopped or dead instance left, and recording results.
#include "pg_detail.h"
#include "reviewbot/store/pg_store.h"

namespace reviewbot::store {

using pg_detail::Failure;
using pg_detail::run;

namespace {

// Claims of one business are taken one transaction at a time, so two instances never
// claim two rows of one chat; everything else about a row is guarded by its row lock.
constexpr const char* kClaimLock =
    "SELECT pg_advisory_xact_lock(hashtextextended('reviewbot.claims.' || $1, 0))";

// True for a pending row `o` that heads its chat: no row of the chat is claimed and none
// pending comes before it in (due_at, id) order. Callback answers (chat 0) always qualify.
// $1 is the business.
constexpr const char* kHeadsItsChat =
    "(o.chat_id = 0 OR ("
    " NOT EXISTS (SELECT 1 FROM outbox f WHERE f.business_id = $1 AND f.chat_id = o.chat_id"
    "   AND f.claimed_by IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.business_id = $1 AND p.status = 'pending'"
    "   AND p.chat_id = o.chat_id"
    "   AND (p.due_at < o.due_at OR (p.due_at = o.due_at AND p.id < o.id)))))";

constexpr const char* kRowColumns =
    "o.id, o.kind, o.payload, o.conversation_id, o.due_at, o.attempts";

// Decodes rows selecting kRowColumns. A row that can never be sent is failed (claim and
// mark cleared), so it does not block its chat forever.
std::vector<OutboxRow> read_rows(pg::Connection& c, const pg::QueryResult& r) {
  std::vector<OutboxRow> rows;
  for (int i = 0; i < r.rows(); ++i) {
    const int64_t id = pg_detail::int64_at(r, i, 0);
    const std::string kind_name = r.text(i, 1);
    auto kind = core::message_kind_from_string(kind_name);
    auto body = core::message_body_from_json(r.text(i, 2));
    if (!kind || !body) {
      run(c,
          "UPDATE outbox SET status = 'failed', last_error = $2, claimed_by = NULL, "
          "lease_until = NULL, sending_since = NULL WHERE id = $1",
          {id, !kind ? "unknown kind " + kind_name : std::string("malformed payload")});
      continue;
    }
    rows.push_back(OutboxRow{id, *kind, std::move(*body), pg_detail::opt_int64_at(r, i, 3),
                             pg_detail::time_at(r, i, 4),
                             static_cast<int>(pg_detail::int64_at(r, i, 5))});
  }
  return rows;
}

void set_claims(pg::Connection& c, const std::vector<OutboxRow>& rows, const Lease& lease) {
  for (const auto& row : rows) {
    run(c, "UPDATE outbox SET claimed_by = $2, lease_until = $3 WHERE id = $1",
        {row.id, lease.owner, core::to_millis(lease.until)});
  }
}

}  // namespace

core::Result<std::vector<OutboxRow>> PgStore::claim_due(const Lease& lease, core::Time now,
                                                        int limit) {
  if (limit <= 0) return std::vector<OutboxRow>{};
  std::vector<OutboxRow> rows;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, kClaimLock, {options_.business_id});
    const auto r = run(c,
                       std::string("SELECT ") + kRowColumns +
                           " FROM outbox o WHERE o.business_id = $1 AND o.status = 'pending' "
                           "AND o.claimed_by IS NULL AND o.due_at <= $2 AND "
                           "o.next_attempt_at <= $2 AND " +
                           kHeadsItsChat + " ORDER BY o.due_at, o.id LIMIT $3 FOR UPDATE OF o",
                       {options_.business_id, core::to_millis(now), limit});
    rows = read_rows(c, r);
    set_claims(c, rows, lease);
  });
  if (!status) return pg_detail::as_core("claiming due outbox rows failed", status.error());
  return rows;
}

core::Result<bool> PgStore::hold_lease(const std::string& name, const Lease& lease,
                                       core::Time now) {
  bool held = false;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    held = run(c,
               "INSERT INTO leases (business_id, name, holder, until) VALUES ($1, $2, $3, $4) "
               "ON CONFLICT (business_id, name) DO UPDATE SET holder = excluded.holder, "
               "until = excluded.until WHERE leases.holder = excluded.holder OR "
               "leases.until < $5",
               {options_.business_id, name, lease.owner, core::to_millis(lease.until),
                core::to_millis(now)})
               .affected_rows() == 1;
  });
  if (!status) return pg_detail::as_core("holding the " + name + " lease failed", status.error());
  return held;
}

core::Status PgStore::release_lease(const std::string& name, const std::string& owner) {
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, "DELETE FROM leases WHERE business_id = $1 AND name = $2 AND holder = $3",
        {options_.business_id, name, owner});
  });
  if (!status) return pg_detail::as_core("releasing the " + name + " lease failed", status.error());
  return core::ok_status();
}

core::Result<int> PgStore::renew_claims(const Lease& lease) {
  int held = 0;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       "UPDATE outbox SET lease_until = $3 WHERE business_id = $1 "
                       "AND claimed_by = $2",
                       {options_.business_id, lease.owner, core::to_millis(lease.until)});
    held = static_cast<int>(r.affected_rows());
  });
  if (!status) return pg_detail::as_core("renewing outbox claims failed", status.error());
  return held;
}

core::Status PgStore::complete(const std::string& owner, int64_t outbox_id,
                               const DeliveryOutcome& outcome, core::Time now,
                               const FollowUp* follow_up) {
  std::optional<core::Error> refused;
  const auto body = [&](pg::Connection& c) {
    refused.reset();
    // First, as inputs do, so the two never wait for each other in opposite orders.
    if (follow_up) pg_detail::lock_state(c, options_.business_id, "", follow_up->lookup);
    const auto row = run(c,
                         "SELECT claimed_by FROM outbox WHERE business_id = $1 AND id = $2 "
                         "FOR UPDATE",
                         {options_.business_id, outbox_id});
    if (row.rows() == 0) {
      refused = core::Error{"outbox row " + std::to_string(outbox_id) + " not found"};
      return;
    }
    const std::optional<std::string> claimed_by = row.value(0, 0);
    if (claimed_by != owner && outcome.status != DeliveryOutcome::Status::kSent) {
      refused =
          core::Error{"outbox row " + std::to_string(outbox_id) + " is " +
                      (claimed_by ? "claimed by " + *claimed_by : std::string("not claimed")) +
                      ", not by " + owner};
      return;
    }
    constexpr const char* kRelease = "claimed_by = NULL, lease_until = NULL, sending_since = NULL";
    switch (outcome.status) {
      case DeliveryOutcome::Status::kSent:
        run(c,
            std::string("UPDATE outbox SET status = 'sent', ") + kRelease +
                ", attempts = attempts + 1, sent_at = $2, platform_message_id = $3 WHERE id = $1",
            {outbox_id, core::to_millis(now), pg_detail::opt_int64_param(outcome.message_id)});
        break;
      case DeliveryOutcome::Status::kRetry:
        run(c,
            std::string("UPDATE outbox SET ") + kRelease +
                ", attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1",
            {outbox_id, core::to_millis(outcome.retry_at), outcome.reason});
        break;
      case DeliveryOutcome::Status::kDeferred:
        run(c,
            std::string("UPDATE outbox SET ") + kRelease + ", next_attempt_at = $2 WHERE id = $1",
            {outbox_id, core::to_millis(outcome.retry_at)});
        break;
      case DeliveryOutcome::Status::kFailed:
      case DeliveryOutcome::Status::kUnreachable:
        run(c,
            std::string("UPDATE outbox SET ") + kRelease +
                ", attempts = attempts + 1, last_error = $2, status = CASE WHEN status = "
                "'pending' THEN 'failed' ELSE status END WHERE id = $1",
            {outbox_id, outcome.reason});
        break;
    }
    if (follow_up) {
      const core::Snapshot snapshot =
          pg_detail::load_snapshot(c, options_.business_id, follow_up->lookup);
      const core::Decision decision = follow_up->decide(snapshot);
      pg_detail::apply_decision(c, options_.business_id, decision, snapshot, now);
    }
  };
  // A follow-up reads and writes what inputs do: it takes their locks (lock_state).
  const auto status = transaction("READ COMMITTED", body);
  if (!status) {
    return pg_detail::as_core("completing outbox row " + std::to_string(outbox_id) + " failed",
                              status.error());
  }
  if (refused) return *refused;
  return core::ok_status();
}

core::Status PgStore::mark_sending(const std::string& owner, int64_t outbox_id, core::Time now) {
  int64_t marked = 0;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    marked = run(c,
                 "UPDATE outbox SET sending_since = $4 WHERE business_id = $1 AND id = $2 "
                 "AND claimed_by = $3 AND lease_until > $4",
                 {options_.business_id, outbox_id, owner, core::to_millis(now)})
                 .affected_rows();
  });
  if (!status) {
    return pg_detail::as_core(
        "marking outbox row " + std::to_string(outbox_id) + " as sending failed", status.error());
  }
  if (marked != 1) {
    return core::Error{"outbox row " + std::to_string(outbox_id) + " is not claimed by " + owner +
                       " with a live lease"};
  }
  return core::ok_status();
}

core::Result<std::vector<OutboxRow>> PgStore::settle_claims(const Lease& lease, core::Time now,
                                                            bool own_too) {
  // $2 owner, $3 now: the claims to settle (expired ones of others, and maybe our own).
  const std::string settled = own_too ? "(o.claimed_by = $2 OR o.lease_until < $3)"
                                      : "(o.claimed_by <> $2 AND o.lease_until < $3)";
  std::vector<OutboxRow> in_flight;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, kClaimLock, {options_.business_id});
    const auto r = run(c,
                       std::string("SELECT ") + kRowColumns +
                           " FROM outbox o WHERE o.business_id = $1 AND o.claimed_by IS NOT NULL "
                           "AND o.sending_since IS NOT NULL AND " +
                           settled + " ORDER BY o.id FOR UPDATE",
                       {options_.business_id, lease.owner, core::to_millis(now)});
    in_flight = read_rows(c, r);
    set_claims(c, in_flight, lease);
    run(c,
        "UPDATE outbox o SET claimed_by = NULL, lease_until = NULL WHERE o.business_id = $1 "
        "AND o.claimed_by IS NOT NULL AND o.sending_since IS NULL AND " +
            settled,
        {options_.business_id, lease.owner, core::to_millis(now)});
  });
  if (!status) return pg_detail::as_core("settling outbox claims failed", status.error());
  return in_flight;
}

core::Result<std::vector<OutboxRow>> PgStore::release_claims(const Lease& lease, core::Time now) {
  return settle_claims(lease, now, true);
}

core::Result<std::vector<OutboxRow>> PgStore::take_over_expired(const Lease& lease,
                                                                core::Time now) {
  return settle_claims(lease, now, false);
}

std::optional<core::Time> PgStore::next_due() {
  std::optional<core::Time> next;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       std::string("SELECT MIN(GREATEST(o.due_at, o.next_attempt_at)) FROM outbox "
                                   "o WHERE o.business_id = $1 AND o.status = 'pending' AND "
                                   "o.claimed_by IS NULL AND ") +
                           kHeadsItsChat,
                       {options_.business_id});
    next = pg_detail::opt_time_at(r, 0, 0);
  });
  if (!status) return now();  // wake the caller: its claim_due reports the error
  return next;
}

core::Result<std::vector<RecentSend>> PgStore::sent_since(core::Time since) {
  std::vector<RecentSend> out;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       "SELECT chat_id, sent_at FROM outbox WHERE business_id = $1 AND "
                       "status = 'sent' AND sent_at >= $2 ORDER BY sent_at",
                       {options_.business_id, core::to_millis(since)});
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({pg_detail::int64_at(r, i, 0), pg_detail::time_at(r, i, 1)});
    }
  });
  if (!status) return pg_detail::as_core("reading recent sends failed", status.error());
  return out;
}

}  // namespace reviewbot::store
