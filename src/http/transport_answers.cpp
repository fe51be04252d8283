// Transport's workers and answers: a worker runs the handler of a complete request and
// writes its answer; an answer given after the handler returned is written by the thread
// that gives it when the socket takes it at once, else handed to a worker.
#include <sys/socket.h>
#include <unistd.h>

#include "transport_state.h"

namespace reviewbot::http {

void Transport::Impl::run_worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(work_mu);
      work_cv.wait(lock, [&] { return workers_quit || !work.empty(); });
      if (workers_quit) return;
      job = std::move(work.front());
      work.pop_front();
    }
    Connection& c = *job.c;
    if (job.reply) {
      write_answer(c, *job.reply, job.framing, job.unsent);
      continue;
    }
    {
      std::lock_guard lock(c.answer_mu);
      c.handling = true;
    }
    hooks.handle(c.request, c.remote, Answer(this, &c));
    std::optional<Reply> reply;
    {
      std::lock_guard lock(c.answer_mu);
      c.handling = false;
      reply.swap(c.early_answer);
      if (!reply) {
        std::lock_guard promise(promised_mu);
        ++promised;
      }
    }
    if (reply) write_answer(c, *reply, framing_for(c, *reply), std::nullopt);
  }
}

ResponseFraming Transport::Impl::framing_for(const Connection& c, const Reply& reply) const {
  ResponseFraming framing{.head_only = c.request.method == "HEAD",
                          .keep_alive = !c.close_after && !stopping.load(),
                          .version_minor = c.request.version_minor};
  // An unframed stream (HTTP/1.0) ends when the connection does.
  if (reply.stream && framing.version_minor == 0) framing.keep_alive = false;
  return framing;
}

void Transport::Impl::give(Connection& c, Reply reply) {
  const ResponseFraming framing = framing_for(c, reply);
  std::optional<std::string> unsent;
  if (!reply.stream) {
    unsent = write_now(c.fd, reply, framing);
    if (!unsent || unsent->empty()) return answered(c, reply, framing, unsent.has_value());
  }
  {
    std::lock_guard lock(work_mu);
    work.push_back(Job{&c, std::make_unique<Reply>(std::move(reply)), framing, std::move(unsent)});
  }
  work_cv.notify_one();
}

void Transport::Impl::write_answer(Connection& c, const Reply& reply,
                                   const ResponseFraming& framing,
                                   const std::optional<std::string>& unsent) {
  const bool written = unsent ? write_all(c.fd, *unsent, settings.write_timeout)
                              : write_reply(c.fd, reply, framing, settings.write_timeout);
  answered(c, reply, framing, written);
}

void Transport::Impl::answered(Connection& c, const Reply& reply, const ResponseFraming& framing,
                               bool written) {
  c.close_after = !written || !framing.keep_alive;
  hooks.answered(
      c.request, reply,
      std::chrono::duration<double, std::milli>(TransportClock::now() - c.complete_at).count());
  {
    std::lock_guard lock(answered_mu);
    answered_list.push_back(&c);
  }
  const std::uint64_t one = 1;
  (void)!::write(wake_fd, &one, sizeof one);
}

void Transport::Answer::operator()(Reply reply) const {
  Connection& c = *connection_;
  {
    std::lock_guard lock(c.answer_mu);
    if (c.handling) {
      c.early_answer = std::move(reply);
      return;
    }
  }
  impl_->give(c, std::move(reply));
  std::lock_guard lock(impl_->promised_mu);
  --impl_->promised;
  impl_->promised_cv.notify_all();  // under the lock: stop() may free the transport after it
}

}  // namespace reviewbot::http
