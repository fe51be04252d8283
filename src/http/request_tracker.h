// RequestTracker counts what HttpServer must let finish when it shuts down: inputs
// (webhooks, events) being processed, refused once draining begins, and routed requests
// until their response is written. Internal to src/http; thread-safe.
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

  // A routed request began / its response was written.
  void request_begun();
  void request_done();
  // Waits until every begun request is done or `timeout` passes; returns how many are not.
  int wait_for_responses(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex intake_mu_;  // guards draining_ and in_flight_
  std::condition_variable intake_idle_;
  bool draining_ = false;
  int in_flight_ = 0;

  std::mutex active_mu_;  // guards active_
  std::condition_variable all_written_;
  int active_ = 0;
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
