// An in-memory Store for tests. process() dedups keys, records each call, and returns a
// forced result when one is set (e.g. kUnavailable); otherwise it runs `decide` on an
// empty Snapshot and keeps the decision's messages as outbox rows. The outbox follows the
// Store contract (due order, one row per chat per claim, claims until complete, send
// marks, leases with owners, chat migrations; no customers). Reviews and stats are canned.
// Thread-safe: one mutex guards everything.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_owner_accounts.h"
#include "reviewbot/store/store.h"

namespace reviewbot::testing {

class FakeStore final : public store::Store {
 public:
  struct ProcessCall {
    store::InboundKey key;
    core::Lookup lookup;
  };
  struct Row {
    store::OutboxRow row;
    std::optional<std::string> owner;  // who holds the claim, if claimed
    core::Time lease_until{};
    core::Time next_attempt_at{};  // retries and deferrals wait; the chat's order stays
    bool claimed() const { return owner.has_value(); }
    bool sending = false;  // marked by mark_sending, cleared by complete
    bool done = false;
    std::vector<store::DeliveryOutcome> outcomes;  // every complete(), in order
    std::vector<core::Decision> follow_ups;        // decided by complete()'s follow-ups
    std::optional<core::Time> sent_at;             // when complete() recorded kSent
  };

  // --- configuration ---
  void force_process_result(std::optional<store::ProcessResult> result) {
    std::lock_guard lock(mutex_);
    forced_ = std::move(result);
  }
  void set_unavailable(bool unavailable) {
    std::lock_guard lock(mutex_);
    unavailable_ = unavailable;
  }
  // mark_sending fails while set (the row is then not sent).
  void fail_marks(bool fail) {
    std::lock_guard lock(mutex_);
    fail_marks_ = fail;
  }
  void set_reviews(std::vector<core::Review> reviews) {
    std::lock_guard lock(mutex_);
    reviews_ = std::move(reviews);
    std::sort(reviews_.begin(), reviews_.end(),
              [](const auto& a, const auto& b) { return a.id > b.id; });
  }
  void set_stats(core::Stats stats) {
    std::lock_guard lock(mutex_);
    stats_ = stats;
  }
  // Adds a pending outbox row (to the new chat if its chat migrated) and returns its id.
  int64_t add_outbox(core::MessageBody body, core::Time due_at,
                     core::MessageKind kind = core::MessageKind::kRequest, int attempts = 0) {
    std::lock_guard lock(mutex_);
    Row r;
    r.row.id = next_outbox_id_++;
    r.row.kind = kind;
    r.row.body = redirected(std::move(body));
    r.row.due_at = due_at;
    r.row.attempts = attempts;
    outbox_.push_back(std::move(r));
    return outbox_.back().row.id;
  }

  // --- inspection ---
  std::vector<ProcessCall> process_calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::optional<Row> outbox_row(int64_t id) const {
    std::lock_guard lock(mutex_);
    for (const auto& r : outbox_) {
      if (r.row.id == id) return r;
    }
    return std::nullopt;
  }
  // Every chat migration recorded, old chat → final new chat.
  std::map<core::ChatId, core::ChatId> chat_migrations() const {
    std::lock_guard lock(mutex_);
    return migrations_;
  }
  int claim_count() const {
    std::lock_guard lock(mutex_);
    return claim_count_;
  }
  std::vector<store::ReviewFilter> list_calls() const {
    std::lock_guard lock(mutex_);
    return list_calls_;
  }

  // --- Store ---
  store::ProcessResult process(const store::InboundKey& key, const core::Lookup& lookup,
                               const store::DecideFn& decide) override {
    std::lock_guard lock(mutex_);
    calls_.push_back({key, lookup});
    if (forced_) return *forced_;
    if (unavailable_)
      return {store::ProcessResult::Status::kUnavailable, {}, "fake unavailable", std::nullopt};
    const std::string dedup = std::to_string(static_cast<int>(key.source)) + ":" + key.id;
    if (!keys_.insert(dedup).second)
      return {store::ProcessResult::Status::kDuplicate, {}, "", std::nullopt};
    const core::Decision decision = decide(core::Snapshot{});
    for (const auto& m : decision.messages) {
      Row r;
      r.row.id = next_outbox_id_++;
      r.row.kind = m.kind;
      r.row.body = redirected(m.body);
      r.row.conversation_id = m.conversation_id;
      r.row.due_at = m.due_at;
      outbox_.push_back(std::move(r));
    }
    return {store::ProcessResult::Status::kApplied, decision.outcome, "", std::nullopt};
  }

  core::Result<std::vector<store::OutboxRow>> claim_due(const store::Lease& lease, core::Time now,
                                                        int limit) override {
    std::lock_guard lock(mutex_);
    ++claim_count_;
    if (unavailable_) return core::Error{"fake unavailable"};
    std::set<core::ChatId> chats_seen;
    std::vector<store::OutboxRow> out;
    for (Row* r : pending_in_order()) {
      const core::ChatId chat = core::chat_of(r->row.body);
      const bool chat_busy = chat != 0 && !chats_seen.insert(chat).second;
      if (r->claimed() || chat_busy || r->row.due_at > now || r->next_attempt_at > now) continue;
      if (static_cast<int>(out.size()) >= limit) break;
      r->owner = lease.owner;
      r->lease_until = lease.until;
      out.push_back(r->row);
    }
    return out;
  }

  core::Result<bool> hold_lease(const std::string& name, const store::Lease& lease,
                                core::Time now) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    auto& held = leases_[name];
    if (held.owner.empty() || held.owner == lease.owner || held.until < now) held = lease;
    return held.owner == lease.owner;
  }

  core::Status release_lease(const std::string& name, const std::string& owner) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    if (leases_[name].owner == owner) leases_.erase(name);
    return core::ok_status();
  }

  core::Result<int> renew_claims(const store::Lease& lease) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    int held = 0;
    for (auto& r : outbox_) {
      if (r.owner != lease.owner) continue;
      r.lease_until = lease.until;
      ++held;
    }
    return held;
  }

  // A follow-up is decided on an empty Snapshot; the decision is kept, not applied.
  core::Status complete(const std::string& owner, int64_t outbox_id,
                        const store::DeliveryOutcome& outcome, core::Time now,
                        const store::FollowUp* follow_up = nullptr) override {
    std::lock_guard lock(mutex_);
    for (auto& r : outbox_) {
      if (r.row.id != outbox_id) continue;
      if (r.owner != owner && outcome.status != store::DeliveryOutcome::Status::kSent) {
        return core::Error{"row not claimed by " + owner};
      }
      if (follow_up) r.follow_ups.push_back(follow_up->decide(core::Snapshot{}));
      r.outcomes.push_back(outcome);
      if (outcome.status == store::DeliveryOutcome::Status::kSent) r.sent_at = now;
      r.owner.reset();
      r.sending = false;
      if (outcome.status == store::DeliveryOutcome::Status::kRetry) {
        r.next_attempt_at = outcome.retry_at;
        ++r.row.attempts;
      } else if (outcome.status == store::DeliveryOutcome::Status::kDeferred) {
        r.next_attempt_at = outcome.retry_at;
      } else {
        r.done = true;
      }
      return core::ok_status();
    }
    return core::Error{"no such outbox row"};
  }

  core::Status mark_sending(const std::string& owner, int64_t outbox_id, core::Time now) override {
    std::lock_guard lock(mutex_);
    if (unavailable_ || fail_marks_) return core::Error{"fake cannot mark"};
    for (auto& r : outbox_) {
      if (r.row.id != outbox_id) continue;
      if (r.owner != owner || r.lease_until <= now) return core::Error{"row not claimed"};
      r.sending = true;
      return core::ok_status();
    }
    return core::Error{"no such outbox row"};
  }

  core::Result<std::vector<store::OutboxRow>> release_claims(const store::Lease& lease,
                                                             core::Time now) override {
    return settle(lease, now, true);
  }

  core::Result<std::vector<store::OutboxRow>> take_over_expired(const store::Lease& lease,
                                                                core::Time now) override {
    return settle(lease, now, false);
  }

  core::Status migrate_chat(core::ChatId old_chat, core::ChatId new_chat, core::Time) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    const auto known = migrations_.find(new_chat);
    const core::ChatId target = known == migrations_.end() ? new_chat : known->second;
    if (target == old_chat) return core::Error{"a chat cannot migrate to itself"};
    migrations_[old_chat] = target;
    for (auto& [from, to] : migrations_) {
      if (to == old_chat) to = target;
    }
    for (auto& r : outbox_) {
      if (!r.done && core::chat_of(r.row.body) == old_chat) core::set_chat(r.row.body, target);
    }
    return core::ok_status();
  }

  // Over unclaimed rows heading a chat with nothing in flight, max(due_at, next attempt).
  std::optional<core::Time> next_due() override {
    std::lock_guard lock(mutex_);
    std::optional<core::Time> next;
    std::set<core::ChatId> chats_seen;
    for (const Row* r : pending_in_order()) {
      const core::ChatId chat = core::chat_of(r->row.body);
      const bool chat_busy = chat != 0 && !chats_seen.insert(chat).second;
      if (r->claimed() || chat_busy) continue;
      const core::Time at = std::max(r->row.due_at, r->next_attempt_at);
      if (!next || at < *next) next = at;
    }
    return next;
  }

  core::Result<store::ReviewPage> list_reviews(const store::ReviewFilter& f) override {
    std::lock_guard lock(mutex_);
    list_calls_.push_back(f);
    if (unavailable_) return core::Error{"fake unavailable"};
    store::ReviewPage page;
    for (const auto& r : reviews_) {  // newest (highest id) first
      if (f.after_id && r.id >= *f.after_id) continue;
      if (f.rating && r.rating != *f.rating) continue;
      if (f.min_rating && r.rating < *f.min_rating) continue;
      if (f.max_rating && r.rating > *f.max_rating) continue;
      if (f.trigger && r.trigger != *f.trigger) continue;
      if (!f.search.empty() && !contains_ignoring_ascii_case(r, f.search)) continue;
      if (f.since && r.answered_at < *f.since) continue;
      if (f.until && r.answered_at >= *f.until) continue;
      if (static_cast<int>(page.reviews.size()) == f.limit) {
        page.next_cursor = page.reviews.back().id;
        break;
      }
      page.reviews.push_back(r);
    }
    return page;
  }

  core::Result<std::vector<store::WeekRatings>> weekly_ratings(core::Time end, int weeks) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    std::vector<store::WeekRatings> out;
    for (int i = 0; i < weeks; ++i) {
      store::WeekRatings week{end - (weeks - i) * store::kWeek, 0, 0};
      for (const auto& r : reviews_) {
        if (r.answered_at >= week.start && r.answered_at < week.start + store::kWeek) {
          ++week.responses;
          week.rating_sum += r.rating;
        }
      }
      out.push_back(week);
    }
    return out;
  }

  core::Result<core::Stats> stats() override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    return stats_;
  }

  // Pending = not done; failed = done with kFailed or kUnreachable last.
  core::Result<store::OutboxStats> outbox_stats(core::Time now) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    store::OutboxStats stats;
    for (const auto& r : outbox_) {
      if (!r.done) {
        ++stats.pending;
        stats.oldest_due_age = std::max(stats.oldest_due_age, now - r.row.due_at);
      } else if (!r.outcomes.empty() &&
                 (r.outcomes.back().status == store::DeliveryOutcome::Status::kFailed ||
                  r.outcomes.back().status == store::DeliveryOutcome::Status::kUnreachable)) {
        ++stats.failed;
      }
    }
    return stats;
  }

  core::Result<std::vector<store::RecentSend>> sent_since(core::Time since) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    std::vector<store::RecentSend> out;
    for (const auto& r : outbox_) {
      if (r.sent_at && *r.sent_at >= since) out.push_back({core::chat_of(r.row.body), *r.sent_at});
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.sent_at < b.sent_at; });
    return out;
  }
  // Records a row as sent at `at`, as an earlier process would have.
  void add_sent(const core::MessageBody& body, core::Time at) {
    const auto id = add_outbox(body, at);
    std::lock_guard lock(mutex_);
    for (auto& r : outbox_) {
      if (r.row.id != id) continue;
      r.done = true;
      r.sent_at = at;
    }
  }

  // The search filter's rule: comment, customer name or external id contains `text`.
  static bool contains_ignoring_ascii_case(const core::Review& r, const std::string& text) {
    const auto lower = [](std::string s) {
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    const std::string needle = lower(text);
    for (const std::string& field :
         {r.comment.value_or(""), r.customer_name, r.external_id.value_or("")}) {
      if (lower(field).find(needle) != std::string::npos) return true;
    }
    return false;
  }

  // --- OwnerAccounts: the in-memory one ---
  core::Result<bool> add_account(const store::OwnerAccount& a) override {
    return accounts_.add_account(a);
  }
  core::Result<std::optional<store::OwnerAccount>> find_account(const std::string& n) override {
    return accounts_.find_account(n);
  }
  core::Result<std::vector<store::OwnerAccount>> list_accounts() override {
    return accounts_.list_accounts();
  }
  core::Result<bool> remove_account(const std::string& n) override {
    return accounts_.remove_account(n);
  }
  core::Status add_session(const store::OwnerSession& s) override {
    return accounts_.add_session(s);
  }
  core::Result<std::optional<store::OwnerSession>> find_session(const std::string& h,
                                                                core::Time now) override {
    return accounts_.find_session(h, now);
  }
  core::Status remove_session(const std::string& h) override { return accounts_.remove_session(h); }
  core::Result<int> failed_logins(const std::string& k, core::Time now, core::Duration w) override {
    return accounts_.failed_logins(k, now, w);
  }
  core::Result<int> record_failed_login(const std::string& k, core::Time now,
                                        core::Duration w) override {
    return accounts_.record_failed_login(k, now, w);
  }
  core::Status clear_failed_logins(const std::string& k) override {
    return accounts_.clear_failed_logins(k);
  }

  // --- OwnerDesk: a canned inbox, figures and owner chats; messages from the outbox ---
  void set_inbox(std::vector<store::InboxItem> items) {
    std::lock_guard lock(mutex_);
    inbox_ = std::move(items);
  }
  void set_variant_stats(std::vector<store::VariantStats> stats) {
    std::lock_guard lock(mutex_);
    variant_stats_ = std::move(stats);
  }
  void set_owner_chats(std::vector<store::OwnerChat> chats) {
    std::lock_guard lock(mutex_);
    owner_chats_ = std::move(chats);
  }
  core::Result<std::vector<store::InboxItem>> inbox(int limit) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    std::vector<store::InboxItem> out(inbox_.begin(),
                                      inbox_.begin() + std::min<std::size_t>(inbox_.size(), limit));
    return out;
  }
  core::Result<bool> mark_handled(store::InboxItem::Kind kind, int64_t id, const std::string&,
                                  core::Time) override {
    std::lock_guard lock(mutex_);
    const auto n =
        std::erase_if(inbox_, [&](const auto& i) { return i.kind == kind && i.id == id; });
    return n > 0;
  }
  core::Result<std::optional<store::InboxItem>> inbox_message(int64_t id) override {
    std::lock_guard lock(mutex_);
    for (const auto& item : inbox_) {
      if (item.kind == store::InboxItem::Kind::kMessage && item.id == id) return {item};
    }
    return std::optional<store::InboxItem>();
  }
  core::Result<std::vector<store::SentMessage>> conversation_messages(int64_t id) override {
    std::lock_guard lock(mutex_);
    std::vector<store::SentMessage> out;
    for (const auto& r : outbox_) {
      if (r.row.conversation_id == id) out.push_back(sent(r));
    }
    return out;
  }
  core::Result<std::vector<store::SentMessage>> failed_messages(int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<store::SentMessage> out;
    for (auto it = outbox_.rbegin(); it != outbox_.rend() && static_cast<int>(out.size()) < limit;
         ++it) {
      if (sent(*it).status == "failed") out.push_back(sent(*it));
    }
    return out;
  }
  core::Result<std::vector<store::VariantStats>> variant_stats() override {
    std::lock_guard lock(mutex_);
    return variant_stats_;
  }
  core::Result<std::vector<store::OwnerChat>> owner_chats() override {
    std::lock_guard lock(mutex_);
    return owner_chats_;
  }
  core::Result<bool> unlink_owner_chat(core::ChatId chat) override {
    std::lock_guard lock(mutex_);
    return std::erase_if(owner_chats_, [&](const auto& c) { return c.chat_id == chat; }) > 0;
  }

  bool ping() override {
    std::lock_guard lock(mutex_);
    return !unavailable_;
  }

  core::Result<std::string> keep_key(const std::string& name,
                                     const std::string& proposed) override {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"store unavailable"};
    return kept_keys_.try_emplace(name, proposed).first->second;
  }

 private:
  static store::SentMessage sent(const Row& r) {
    store::SentMessage m;
    m.id = r.row.id;
    m.kind = r.row.kind;
    m.chat_id = core::chat_of(r.row.body);
    m.conversation_id = r.row.conversation_id;
    m.attempts = r.row.attempts;
    m.due_at = r.row.due_at;
    m.sent_at = r.sent_at;
    m.status = "pending";
    if (!r.outcomes.empty()) {
      const auto& last = r.outcomes.back();
      if (last.status == store::DeliveryOutcome::Status::kSent) m.status = "sent";
      if (last.status == store::DeliveryOutcome::Status::kFailed ||
          last.status == store::DeliveryOutcome::Status::kUnreachable) {
        m.status = "failed";
        m.last_error = last.reason;
      }
    }
    if (const auto* text = std::get_if<core::SendText>(&r.row.body)) {
      m.text = text->text;
      m.html = text->html;
    }
    return m;
  }

  // Rows not done, in (due_at, id) order. Requires mutex_.
  std::vector<Row*> pending_in_order() {
    std::vector<Row*> pending;
    for (auto& r : outbox_) {
      if (!r.done) pending.push_back(&r);
    }
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Row* a, const Row* b) { return a->row.due_at < b->row.due_at; });
    return pending;
  }

  core::Result<std::vector<store::OutboxRow>> settle(const store::Lease& lease, core::Time now,
                                                     bool own_too) {
    std::lock_guard lock(mutex_);
    if (unavailable_) return core::Error{"fake unavailable"};
    std::vector<store::OutboxRow> in_flight;
    for (auto& r : outbox_) {
      if (!r.owner) continue;
      const bool own = *r.owner == lease.owner;
      if (!(own_too && own) && !(!own && r.lease_until < now)) continue;
      if (r.sending) {
        r.owner = lease.owner;
        r.lease_until = lease.until;
        in_flight.push_back(r.row);
      } else {
        r.owner.reset();
      }
    }
    return in_flight;
  }

  // The body pointed at its chat's new chat, if that chat migrated. Requires mutex_.
  core::MessageBody redirected(core::MessageBody body) const {
    const auto moved = migrations_.find(core::chat_of(body));
    if (moved != migrations_.end() && moved->first != 0) core::set_chat(body, moved->second);
    return body;
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::string> kept_keys_;  // keep_key
  FakeOwnerAccounts accounts_;
  std::optional<store::ProcessResult> forced_;
  bool unavailable_ = false;
  bool fail_marks_ = false;
  std::set<std::string> keys_;
  std::vector<ProcessCall> calls_;
  std::vector<Row> outbox_;
  std::map<core::ChatId, core::ChatId> migrations_;
  std::map<std::string, store::Lease> leases_;
  int64_t next_outbox_id_ = 1;
  int claim_count_ = 0;
  std::vector<core::Review> reviews_;
  std::vector<store::ReviewFilter> list_calls_;
  core::Stats stats_;
  std::vector<store::InboxItem> inbox_;
  std::vector<store::VariantStats> variant_stats_;
  std::vector<store::OwnerChat> owner_chats_;
};

}  // namespace reviewbot::testing
