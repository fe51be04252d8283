// OutboxStore is the delivery module's seam to the outbox: every outbound platform call is
// a row that a dispatcher claims, sends and completes. A claim has an owner (the instance
// id) and a lease; several processes may share one outbox. Implementations are
// thread-safe; SQL stays inside them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/messages.h"
#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"
#include "reviewbot/store/input_store.h"

namespace reviewbot::store {

// Who claims rows and until when. A claim is live until `until`; its owner extends it with
// renew_claims() while the row is in flight. Owners are unique among running processes and
// stable across a restart of the same instance (so a restart can release its own claims).
struct Lease {
  std::string owner;
  core::Time until{};
};

// A claimed outbox row.
struct OutboxRow {
  int64_t id = 0;
  core::MessageKind kind = core::MessageKind::kNotice;
  core::MessageBody body;
  std::optional<int64_t> conversation_id;
  core::Time due_at{};
  int attempts = 0;  // attempts made before this one
};

// What happened when a row was sent, as the dispatcher classified it.
struct DeliveryOutcome {
  enum class Status {
    kSent,         // done; message_id set for SendText
    kRetry,        // try again at retry_at
    kFailed,       // give up; reason stored
    kUnreachable,  // 403: give up; the chat is closed to the bot (the rules say what follows)
    kDeferred,     // not sent (rate limit, breaker): unclaim until retry_at, attempts unchanged
  };
  Status status = Status::kSent;
  std::optional<int64_t> message_id;
  core::Time retry_at{};
  std::string reason;
  // kFailed because the platform refused the message itself (a 4xx other than 403/429):
  // it was certainly never shown. Not set when the outcome is merely unknown.
  bool refused = false;
};

// One message the outbox recorded as sent: its chat (0 for callback answers) and when.
struct RecentSend {
  core::ChatId chat_id = 0;
  core::Time sent_at{};
};

// The state changes a delivery result causes, decided by the rules (Intake::follow_up):
// complete() loads the Snapshot for `lookup`, calls `decide` and writes the Decision in
// the transaction that records the result.
struct FollowUp {
  core::Lookup lookup;
  DecideFn decide;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Claims for `lease` up to `limit` pending rows due at `now`, oldest first, at most one
  // per chat (the chat's earliest due row, so a chat's messages go out in order). Rows
  // claimed by anyone, live or expired, are not returned (expired claims are settled by
  // take_over_expired), and a chat with a claimed row gets nothing.
  virtual core::Result<std::vector<OutboxRow>> claim_due(const Lease& lease, core::Time now,
                                                         int limit) = 0;

  // Takes or renews the named lease for lease.owner until lease.until, if it is free, has
  // ended before `now`, or is lease.owner's already; returns whether lease.owner holds it
  // now. One instance at a time holds "sender" and sends the bot's outbox, so the bot's
  // rate limits hold across instances. Error if the database cannot be written.
  virtual core::Result<bool> hold_lease(const std::string& name, const Lease& lease,
                                        core::Time now) = 0;
  // Gives the named lease up if `owner` holds it (at a clean stop), so another instance
  // takes it at once. Error if the database cannot be written.
  virtual core::Status release_lease(const std::string& name, const std::string& owner) = 0;

  // Extends every claim held by lease.owner to lease.until. Returns how many rows it
  // holds. Error if the database cannot be written (the claims then lapse at their end).
  virtual core::Result<int> renew_claims(const Lease& lease) = 0;

  // Records the result of sending a row claimed by `owner` and clears its claim and its
  // mark_sending mark; every status but kDeferred counts one attempt. kDeferred only
  // releases the claim and sets the next attempt time. A row whose claim another owner
  // took over is not changed (Error), except that kSent is always recorded. With a
  // `follow_up`, its decision is written in the same transaction (after the row's
  // update); if deciding or writing it fails, nothing is recorded (Error).
  virtual core::Status complete(const std::string& owner, int64_t outbox_id,
                                const DeliveryOutcome& outcome, core::Time now,
                                const FollowUp* follow_up = nullptr) = 0;

  // Records, durably before it returns, that the row claimed by `owner` is about to be
  // handed to the platform, so whoever settles the row later knows the send may have
  // happened. complete() clears the mark. The delivery module marks only rows it sends at
  // most once. Error if the row is not claimed by `owner` with a lease live at `now`, or
  // cannot be written (then do not send it).
  virtual core::Status mark_sending(const std::string& owner, int64_t outbox_id,
                                    core::Time now) = 0;

  // At startup: settles the claims lease.owner left (a stopped or crashed process of the
  // same instance) and every claim whose lease ended before `now`, whoever held it.
  // Unmarked rows are released (they go out again); rows marked by mark_sending are
  // claimed for `lease` and returned, so the caller settles each with complete(). Live
  // claims of other owners are left alone. Error: nothing changed.
  virtual core::Result<std::vector<OutboxRow>> release_claims(const Lease& lease,
                                                              core::Time now) = 0;

  // While running: as release_claims, but only for claims whose lease ended before `now`
  // (an instance that died), never lease.owner's own live ones.
  virtual core::Result<std::vector<OutboxRow>> take_over_expired(const Lease& lease,
                                                                 core::Time now) = 0;

  // The platform moved `old_chat` to `new_chat` (a group became a supergroup). In one
  // transaction: records old → new, following chains (a → b then b → c stores a → c),
  // moves customers and conversations, and points the chat's pending rows (claimed ones
  // included) at the new chat, keeping their (due_at, id) order. Rows that process()
  // writes later for an old chat go to its new chat. Error if old and new would be the
  // same chat or the write fails; nothing changed then.
  virtual core::Status migrate_chat(core::ChatId old_chat, core::ChatId new_chat,
                                    core::Time now) = 0;

  // The earliest time claim_due could return a row, to sleep until; nullopt if none. A
  // chat blocked by a row in flight wakes the dispatcher through complete(), not through
  // this time. On a database error returns a time no later than now, so the caller's
  // claim_due reports the error.
  virtual std::optional<core::Time> next_due() = 0;

  // Calls `on_new_rows` (from a thread of the store's) when another process has written
  // outbox rows, so a dispatcher wakes at once instead of at its next poll. Backends that
  // cannot tell (SQLite) do nothing: the dispatcher's polling is the fallback anyway. At
  // most one watcher; it is called until the store is destroyed.
  virtual void watch(std::function<void()> on_new_rows) { (void)on_new_rows; }

  // Rows recorded as sent at or after `since`, oldest first, so a restarted dispatcher
  // knows the sends of the last second and keeps the platform's rate limits across the
  // restart. Reads an index on sent_at.
  virtual core::Result<std::vector<RecentSend>> sent_since(core::Time since) = 0;
};

}  // namespace reviewbot::store
