// The Dispatcher sends the outbox: a thread that claims due rows under this instance's
// lease, sends each through its own PlatformClient within the rate limits and while the
// circuit breaker allows, applies the fallbacks and chat moves, classifies the answer
// (outcome.h) and records it, then sleeps until the next row is due, a notify(), or at most
// settings.idle_wait. Of the instances sharing an outbox, only the one holding the
// "sender" lease sends, so the bot's rate limits and 429 pauses hold across them; the
// others wait to take the lease over. A second thread renews the sender lease and the
// lease of the rows in flight, and the sender settles the rows of instances whose claims
// ran out. start/stop/notify,
// platform_state and counters are thread-safe; recover, run_once and settle_expired must
// not overlap the thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "reviewbot/core/clock.h"
#include "reviewbot/delivery/backoff.h"
#include "reviewbot/delivery/circuit_breaker.h"
#include "reviewbot/delivery/delivery_counters.h"
#include "reviewbot/delivery/outcome.h"
#include "reviewbot/delivery/rate_limiter.h"
#include "reviewbot/platform/platform_client.h"
#include "reviewbot/store/outbox_store.h"

namespace reviewbot::delivery {

struct DispatcherSettings {
  int batch_size = 20;  // rows claimed per pass (at most one per chat)
  RetryRules retry;
  core::Duration idle_wait{1000};   // longest sleep, so rows due from elsewhere are seen
  core::Duration min_wait{20};      // shortest sleep when nothing was claimable
  RateLimits rate;                  // 30/s per bot, 1/s per chat
  BreakerSettings breaker;          // open after 5 transient failures for 30 s .. 5 min
  core::Duration stop_grace{2000};  // how long stop() lets a send in progress finish
  // Claims and the sender lease are held as `instance_id`, unique among the instances
  // sharing the outbox and stable across restarts of one instance. Both last claim_lease
  // unless renewed; they are renewed every claim_lease / 4 while the thread runs. An
  // instance that is not the sender tries to become it every claim_lease / 4, and the
  // sender settles the claims of instances whose lease ran out every takeover_every, so a
  // dead sender's rows move on within about claim_lease + takeover_every.
  std::string instance_id = "reviewbot";
  core::Duration claim_lease{20000};
  core::Duration takeover_every{5000};
};

// What a delivery result means beyond its row (Intake::follow_up), written with it.
using FollowUpFn = std::function<std::optional<store::FollowUp>(const store::OutboxRow&,
                                                                const store::DeliveryOutcome&)>;

class Dispatcher {
 public:
  // `store` and `clock` must outlive the Dispatcher; the client is used only on the
  // dispatcher's thread (or by run_once). `random` draws the jitter; empty = seeded
  // mt19937_64. `follow_up` is asked for every result recorded; empty = none.
  Dispatcher(store::OutboxStore& store, const core::Clock& clock,
             std::unique_ptr<platform::PlatformClient> client, DispatcherSettings settings = {},
             UnitRandom random = {}, FollowUpFn follow_up = {});
  ~Dispatcher();  // stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // At startup, before start(): releases the claims this instance's previous process left
  // and expired claims of others (OutboxStore::release_claims) and settles each row whose send was
  // in flight then by the in-doubt policy (in_doubt_outcome, cause kRestart): requests and
  // reminders fail without a resend, other kinds go out again at once. Error if the store could not
  // release; a returned row that cannot be recorded stays claimed until the next recover.
  core::Status recover();

  // The claims of other instances whose lease ran out (OutboxStore::take_over_expired):
  // unmarked rows are released, rows in flight are settled by the in-doubt policy (cause
  // kTakeover). The thread calls it every settings.takeover_every. Returns how many rows
  // were settled in doubt; Error if the store could not be read.
  core::Result<int> settle_expired();

  void start();
  // Lets the send in progress finish (cancelling it through PlatformClient::cancel() if
  // it takes longer than settings.stop_grace: its outcome is then in doubt) and joins.
  // Rows claimed in the same batch but not yet sent are released (deferred to now) so
  // they go out at the next start. Idempotent.
  void stop();
  // Wakes the thread now (rows another instance wrote).
  void notify();
  // New rows, the earliest due at `due` (the intake calls it after committing them): wakes
  // the thread if it would otherwise sleep past `due`. While the bot is paused or out of
  // its rate budget nothing wakes it before that ends. Returns whether it woke the thread
  // (or will make its running pass look again).
  bool notify(core::Time due);

  // One pass, if this instance is the sender (becoming it if the lease is free, at most
  // every claim_lease / 4; a new sender first counts the last second's sends toward the
  // rate limits, Store::sent_since; a send in flight at a crash is not among them): claims
  // up to batch_size due rows (no more than the per-bot rate allows now,
  // one while half-open, none while the breaker is open or a 429 pause lasts) and sends
  // each. A row whose chat had a send within the per-chat interval, or that the breaker or
  // a 429 blocks mid-pass, is deferred (store kDeferred: no attempt counted), so it never
  // holds up other chats. A row sent at most once (in_doubt_policy) is marked in the store
  // (Store::mark_sending) before the send; if that fails it is deferred, not sent. On
  // migrate_to_chat_id the store moves the chat (a warning names both ids, for
  // OWNER_CHAT_ID) and the row is retried at once, by the next claim, in the new chat's
  // order. Returns how many rows were sent (whatever the answer), or -1 when the store
  // could not be read.
  int run_once();

  // Whether this instance holds the sender lease at `now`; safe from any thread.
  bool sending_instance(core::Time now) const;

  // The platform's circuit breaker state (for /readyz).
  CircuitBreaker::State platform_state() const;
  // What the dispatcher has done since it was made (for /metrics); safe from any thread.
  const DeliveryCounters& counters() const { return counters_; }

 private:
  store::DeliveryOutcome deliver(const store::OutboxRow& row);
  // The one place a send's outcome is decided (delivery_outcome, plus the chat move) and
  // counted; recover() settles in-flight rows through count_in_doubt as well.
  store::DeliveryOutcome decide(const store::OutboxRow& row, const platform::SendResult& result,
                                int attempt);
  void count_in_doubt(const store::DeliveryOutcome& outcome);
  // Store::migrate_chat for the row's chat, logged and counted; false if it failed.
  bool move_chat(const store::OutboxRow& row, core::ChatId new_chat);
  platform::SendResult send_logged(const store::OutboxRow& row, const core::MessageBody& body,
                                   int attempt, const char* variant);
  void run();
  bool stopping() const;
  // `now` unless the breaker is open or a 429 pause lasts; then when that ends.
  core::Time blocked_until(core::Time now) const;
  void defer(const store::OutboxRow& row, core::Time until, const char* why);
  // This instance's lease as of now, and how often it is renewed (or taken, when free).
  store::Lease lease() const;
  core::Duration renew_every() const;
  // Settles in-flight rows handed over by the store by the in-doubt policy.
  void settle_in_doubt(const std::vector<store::OutboxRow>& rows, InDoubtCause cause);
  void complete(const store::OutboxRow& row, const store::DeliveryOutcome& outcome);
  void renew_leases();
  // Takes the sender lease if it is free (rate-limited); dispatcher thread only.
  void try_to_lead(core::Time now);

  store::OutboxStore& store_;
  const core::Clock& clock_;
  std::unique_ptr<platform::PlatformClient> client_;  // dispatcher thread only
  DispatcherSettings settings_;
  UnitRandom random_;  // dispatcher thread only
  FollowUpFn follow_up_;
  RateLimiter limiter_;  // dispatcher thread only
  CircuitBreaker breaker_;
  DeliveryCounters counters_;
  core::Time next_takeover_{};                // dispatcher thread only
  core::Time next_lead_try_{};                // dispatcher thread only
  std::atomic<int64_t> leading_until_ms_{0};  // the sender lease's end; 0: not held
  std::thread thread_;
  std::thread renewer_;  // renew_leases()

  mutable std::mutex mutex_;        // guards the flags below and wake_at_
  std::condition_variable wake_;    // stopping_ or woken_ set (the renewer waits on it too)
  std::condition_variable exited_;  // running_ cleared
  bool stopping_ = false;
  bool woken_ = false;
  bool running_ = false;  // the thread is in run()
  // notify(due) wakes the thread for rows due before this: the end of its sleep, max()
  // while a pass runs, min() while nothing may be sent.
  core::Time wake_at_ = core::Time::max();
};

}  // namespace reviewbot::delivery
