// RequestTracker counts the inputs (webhooks, events) being processed, so HttpServer can
// refuse new ones once draining begins and wait for those in flight. Internal to
// src/http; thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace reviewbot::http {

class RequestTracker {
 public:
  // From now on enter_intake() refuses. Idempotent.
  void begin_drain();
  bool draining() const;

  // Registers an input about to be processed; false while draining. Pair a true with
  // leave_intake() (see IntakeSlot).
  bool enter_intake();
  void leave_intake();
  // Waits until no input is registered or `timeout` passes; returns whether none is.
  bool wait_for_intake(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex intake_mu_;  // guards draining_ and in_flight_
  std::condition_variable intake_idle_;
  bool draining_ = false;
  int in_flight_ = 0;
};

// Holds an intake slot for one input; empty (false) when the tracker is draining.
class IntakeSlot {
 public:
  explicit IntakeSlot(RequestTracker& tracker)
      : tracker_(tracker.enter_intake() ? &tracker : nullptr) {}
  ~IntakeSlot() {
    if (tracker_ != nullptr) tracker_->leave_intake();
  }
  IntakeSlot(const IntakeSlot&) = delete;
  IntakeSlot& operator=(const IntakeSlot&) = delete;
  explicit operator bool() const { return tracker_ != nullptr; }

 private:
  RequestTracker* tracker_;
};

}  // namespace reviewbot::http
