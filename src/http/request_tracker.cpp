#include "request_tracker.h"

namespace reviewbot::http {

void RequestTracker::begin_drain() {
  std::lock_guard lock(intake_mu_);
  draining_ = true;
}

bool RequestTracker::draining() const {
  std::lock_guard lock(intake_mu_);
  return draining_;
}

bool RequestTracker::enter_intake() {
  std::lock_guard lock(intake_mu_);
  if (draining_) return false;
  ++in_flight_;
  return true;
}

void RequestTracker::leave_intake() {
  std::lock_guard lock(intake_mu_);
  if (--in_flight_ == 0) intake_idle_.notify_all();
}

bool RequestTracker::wait_for_intake(std::chrono::milliseconds timeout) {
  std::unique_lock lock(intake_mu_);
  return intake_idle_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

}  // namespace reviewbot::http
