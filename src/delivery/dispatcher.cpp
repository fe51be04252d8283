#include "reviewbot/delivery/dispatcher.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "reviewbot/delivery/fallback.h"

namespace reviewbot::delivery {

using Kind = platform::SendResult::Kind;

namespace {
constexpr const char* kSenderLease = "sender";
}  // namespace

Dispatcher::Dispatcher(store::OutboxStore& store, const core::Clock& clock,
                       std::unique_ptr<platform::PlatformClient> client,
                       DispatcherSettings settings, UnitRandom random, FollowUpFn follow_up)
    : store_(store),
      clock_(clock),
      client_(std::move(client)),
      settings_(settings),
      random_(random ? std::move(random) : default_unit_random()),
      follow_up_(std::move(follow_up)),
      limiter_(settings.rate),
      breaker_(settings.breaker) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    running_ = true;
  }
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "dispatcher");
    run();
    std::lock_guard lock(mutex_);
    running_ = false;
    exited_.notify_all();
  });
  renewer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "lease-renewer");
    renew_leases();
  });
}

core::Duration Dispatcher::renew_every() const {
  return std::max(settings_.claim_lease / 4, core::Duration{1});
}

void Dispatcher::renew_leases() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, renew_every(), [this] { return stopping_; })) {
    lock.unlock();
    if (leading_until_ms_.load() != 0) {
      const store::Lease held = lease();
      auto led = store_.hold_lease(kSenderLease, held, clock_.now());
      if (led && *led) {
        leading_until_ms_ = core::to_millis(held.until);
      } else if (led) {
        leading_until_ms_ = 0;
        spdlog::warn("delivery {} lost the sender lease to another instance",
                     settings_.instance_id);
      } else {  // keep sending until the lease ends; another instance waits that long
        spdlog::warn("delivery could not renew the sender lease: {}", led.error().message);
      }
    }
    if (auto renewed = store_.renew_claims(lease()); !renewed) {
      spdlog::warn("delivery could not renew the claims of {}: {}", settings_.instance_id,
                   renewed.error().message);
    }
    lock.lock();
  }
}

store::Lease Dispatcher::lease() const {
  return store::Lease{settings_.instance_id, clock_.now() + settings_.claim_lease};
}

void Dispatcher::stop() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  if (!exited_.wait_for(lock, settings_.stop_grace, [this] { return !running_; })) {
    spdlog::warn("delivery send still running {} ms after stop: cancelling it",
                 settings_.stop_grace.count());
    client_->cancel();  // thread-safe by contract
  }
  lock.unlock();
  if (thread_.joinable()) thread_.join();
  if (renewer_.joinable()) renewer_.join();
  if (leading_until_ms_.exchange(0) != 0) {
    // Another instance may send at once instead of after the lease.
    if (auto released = store_.release_lease(kSenderLease, settings_.instance_id); !released) {
      spdlog::warn("delivery could not hand the sender lease over: {}", released.error().message);
    }
  }
}

bool Dispatcher::sending_instance(core::Time now) const {
  return leading_until_ms_.load() > core::to_millis(now);
}

void Dispatcher::try_to_lead(core::Time now) {
  if (now < next_lead_try_) return;
  next_lead_try_ = now + renew_every();
  const store::Lease held = lease();
  auto led = store_.hold_lease(kSenderLease, held, now);
  if (!led) {
    spdlog::warn("delivery could not take the sender lease: {}", led.error().message);
    return;
  }
  if (!*led) return;  // another instance sends
  // The previous sender's last second still counts toward the rate limits.
  if (auto recent = store_.sent_since(now - std::chrono::seconds(1))) {
    for (const auto& sent : *recent) limiter_.record(sent.chat_id, std::min(sent.sent_at, now));
  }
  leading_until_ms_ = core::to_millis(held.until);
  spdlog::info("delivery {} is now the sender of this bot's outbox", settings_.instance_id);
}

void Dispatcher::notify() { notify(core::Time::min()); }

bool Dispatcher::notify(core::Time due) {
  {
    std::lock_guard lock(mutex_);
    if (due >= wake_at_) return false;
    woken_ = true;
  }
  wake_.notify_all();
  return true;
}

bool Dispatcher::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

platform::SendResult Dispatcher::send_logged(const store::OutboxRow& row,
                                             const core::MessageBody& body, int attempt,
                                             const char* variant) {
  platform::SendResult result;
  try {
    result = client_->send(body);
  } catch (const std::exception& e) {  // a client must not throw; treat it as transient
    result.kind = Kind::kTransient;
    result.description = e.what();
  }
  counters_.count_call(result.kind);
  const core::Time now = clock_.now();
  limiter_.record(core::chat_of(body), now);
  if (result.kind == Kind::kRetryAfter) {
    limiter_.pause_until(now + std::max(result.retry_after, core::Duration{1000}));
  }
  const auto before = breaker_.state(now);
  if (result.kind == Kind::kTransient || result.kind == Kind::kUnknown) {
    breaker_.record_failure(now);
  } else {
    breaker_.record_success();
  }
  if (const auto after = breaker_.state(now); after != before) {
    spdlog::warn("delivery platform circuit {} -> {}", to_string(before), to_string(after));
  }
  if (result.kind == Kind::kOk) {
    spdlog::info("delivery outbox_id={} kind={} attempt={} send={} result=ok", row.id,
                 core::to_string(row.kind), attempt, variant);
  } else {
    spdlog::warn("delivery outbox_id={} kind={} attempt={} send={} result={} http_status={} {}",
                 row.id, core::to_string(row.kind), attempt, variant, kind_name(result.kind),
                 result.http_status, result.description);
  }
  return result;
}

store::DeliveryOutcome Dispatcher::deliver(const store::OutboxRow& row) {
  const int attempt = row.attempts + 1;
  core::MessageBody body = row.body;
  platform::SendResult result = send_logged(row, body, attempt, "original");
  bool tried_plain = false;
  bool tried_bare = false;
  for (;;) {
    if (result.kind == Kind::kParseEntities && !tried_plain) {
      tried_plain = true;
      if (auto plain = as_plain_text(body)) {
        body = std::move(*plain);
        DeliveryCounters::bump(counters_.fallback_plain_text);
        result = send_logged(row, body, attempt, "plain_text");
        continue;
      }
    }
    if (result.kind == Kind::kBadMarkup && !tried_bare) {
      tried_bare = true;
      if (auto bare = without_keyboard(body)) {
        body = std::move(*bare);
        DeliveryCounters::bump(counters_.fallback_no_keyboard);
        result = send_logged(row, body, attempt, "no_keyboard");
        continue;
      }
    }
    break;
  }
  return decide(row, result, attempt);
}

store::DeliveryOutcome Dispatcher::decide(const store::OutboxRow& row,
                                          const platform::SendResult& result, int attempt) {
  const core::Time now = clock_.now();
  const double unit = random_();
  if (result.kind == Kind::kMigrated && result.migrate_to_chat_id &&
      !move_chat(row, *result.migrate_to_chat_id)) {
    // Not moved: resending now would hit the old chat again. Back off and move it then.
    platform::SendResult unmoved = result;
    unmoved.kind = Kind::kTransient;
    unmoved.description = "chat migration not recorded: " + result.description;
    return delivery_outcome(row.kind, unmoved, attempt, now, settings_.retry, unit);
  }
  store::DeliveryOutcome outcome =
      delivery_outcome(row.kind, result, attempt, now, settings_.retry, unit);
  if (result.kind == Kind::kUnknown) {
    count_in_doubt(outcome);
    spdlog::warn("delivery outbox_id={} kind={} {}", row.id, core::to_string(row.kind),
                 outcome.reason);
  }
  return outcome;
}

void Dispatcher::count_in_doubt(const store::DeliveryOutcome& outcome) {
  DeliveryCounters::bump(outcome.status == store::DeliveryOutcome::Status::kRetry
                             ? counters_.in_doubt_resent
                             : counters_.in_doubt_not_resent);
}

bool Dispatcher::move_chat(const store::OutboxRow& row, core::ChatId new_chat) {
  const core::ChatId old_chat = core::chat_of(row.body);
  if (auto moved = store_.migrate_chat(old_chat, new_chat, clock_.now()); !moved) {
    spdlog::error("delivery outbox_id={} chat {} migrated to {}, but the move failed: {}", row.id,
                  old_chat, new_chat, moved.error().message);
    return false;
  }
  DeliveryCounters::bump(counters_.chat_migrations);
  spdlog::warn(
      "delivery chat {} migrated to {} (group upgraded to a supergroup): its messages now go to "
      "{}. If {} is OWNER_CHAT_ID, set OWNER_CHAT_ID={}.",
      old_chat, new_chat, new_chat, old_chat, new_chat);
  return true;
}

core::Status Dispatcher::recover() {
  auto in_flight = store_.release_claims(lease(), clock_.now());
  if (!in_flight) return in_flight.error();
  settle_in_doubt(*in_flight, InDoubtCause::kRestart);
  return core::ok_status();
}

core::Result<int> Dispatcher::settle_expired() {
  auto in_flight = store_.take_over_expired(lease(), clock_.now());
  if (!in_flight) return in_flight.error();
  settle_in_doubt(*in_flight, InDoubtCause::kTakeover);
  return static_cast<int>(in_flight->size());
}

void Dispatcher::settle_in_doubt(const std::vector<store::OutboxRow>& rows, InDoubtCause cause) {
  for (const auto& row : rows) {
    const int attempt = row.attempts + 1;
    const store::DeliveryOutcome outcome =
        in_doubt_outcome(row.kind, cause, attempt, clock_.now(), settings_.retry, random_());
    count_in_doubt(outcome);
    spdlog::warn("delivery outbox_id={} kind={} was being sent when {}: {}", row.id,
                 core::to_string(row.kind),
                 cause == InDoubtCause::kTakeover ? "its instance stopped renewing its claim"
                                                  : "the process stopped",
                 outcome.reason);
    complete(row, outcome);
  }
}

void Dispatcher::complete(const store::OutboxRow& row, const store::DeliveryOutcome& outcome) {
  std::optional<store::FollowUp> follow_up;
  if (follow_up_) follow_up = follow_up_(row, outcome);
  if (auto status = store_.complete(settings_.instance_id, row.id, outcome, clock_.now(),
                                    follow_up ? &*follow_up : nullptr);
      !status) {
    // The row stays claimed; recover() at the next start releases it, or settles it by the
    // in-doubt policy if it was marked; after the lease another instance does.
    spdlog::error("delivery outbox_id={} could not record the result: {}", row.id,
                  status.error().message);
  }
}

CircuitBreaker::State Dispatcher::platform_state() const { return breaker_.state(clock_.now()); }

core::Time Dispatcher::blocked_until(core::Time now) const {
  return std::max(breaker_.open_until(now), limiter_.paused_until());
}

void Dispatcher::defer(const store::OutboxRow& row, core::Time until, const char* why) {
  store::DeliveryOutcome outcome;
  outcome.status = store::DeliveryOutcome::Status::kDeferred;
  outcome.retry_at = until;
  spdlog::debug("delivery outbox_id={} deferred {} ms: {}", row.id, (until - clock_.now()).count(),
                why);
  complete(row, outcome);
}

int Dispatcher::run_once() {
  const core::Time now = clock_.now();
  if (!sending_instance(now)) try_to_lead(now);
  if (!sending_instance(now)) return 0;    // another instance sends
  if (blocked_until(now) > now) return 0;  // rows wait in the outbox
  int limit = std::min(settings_.batch_size, limiter_.available(now));
  if (breaker_.state(now) == CircuitBreaker::State::kHalfOpen) limit = std::min(limit, 1);
  if (limit <= 0) return 0;
  auto rows = store_.claim_due(lease(), now, limit);
  if (!rows) {
    spdlog::warn("delivery could not claim rows: {}", rows.error().message);
    return -1;
  }
  int handled = 0;
  for (const auto& row : *rows) {
    const core::Time t = clock_.now();
    if (handled > 0 && stopping()) {
      defer(row, t, "stopping");
      continue;
    }
    if (!sending_instance(t)) {
      defer(row, t, "no longer the sender");
      continue;
    }
    if (const core::Time until = blocked_until(t); until > t) {
      DeliveryCounters::bump(counters_.deferred_paused);
      defer(row, until, "platform paused");
      continue;
    }
    if (const core::Time at = limiter_.allowed_at(core::chat_of(row.body), t); at > t) {
      DeliveryCounters::bump(counters_.deferred_rate_limit);
      defer(row, at, "rate limit");
      continue;
    }
    if (in_doubt_policy(row.kind) == InDoubtPolicy::kAtMostOnce) {
      if (auto marked = store_.mark_sending(settings_.instance_id, row.id, t); !marked) {
        spdlog::error("delivery outbox_id={} not sent: {}", row.id, marked.error().message);
        defer(row, t + settings_.retry.backoff.base, "store could not mark the send");
        continue;
      }
    }
    complete(row, deliver(row));
    ++handled;
  }
  return handled;
}

void Dispatcher::run() {
  while (!stopping()) {
    int handled = -1;
    try {
      if (const core::Time now = clock_.now(); sending_instance(now) && now >= next_takeover_) {
        next_takeover_ = now + settings_.takeover_every;
        if (auto settled = settle_expired(); !settled) {
          spdlog::warn("delivery could not settle expired claims: {}", settled.error().message);
        }
      }
      handled = run_once();
    } catch (const std::exception& e) {
      spdlog::error("delivery pass failed: {}", e.what());
    }
    if (handled > 0) continue;  // more may be due (a chat's next row, a full batch)

    core::Duration wait = settings_.idle_wait;
    bool wake_on_notify = true;
    if (const core::Time now = clock_.now(); handled == 0 && sending_instance(now)) {
      if (const core::Time held = std::max(blocked_until(now), limiter_.bot_allowed_at(now));
          held > now) {
        // Paused or out of budget: nothing can go before `held`, whatever arrives, so new
        // rows (notify) do not cost a look at the outbox each.
        wait = std::min<core::Duration>(held - now, settings_.idle_wait);
        wake_on_notify = false;
      } else if (const auto next = store_.next_due()) {
        wait = std::clamp(*next - now, settings_.min_wait, settings_.idle_wait);
      }
    }
    std::unique_lock lock(mutex_);
    if (wake_on_notify) {
      wake_at_ = clock_.now() + wait;
    } else {
      wake_at_ = core::Time::min();
      woken_ = false;
    }
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    woken_ = false;
    wake_at_ = core::Time::max();  // while a pass runs, any new row makes it look again
  }
}

}  // namespace reviewbot::delivery
