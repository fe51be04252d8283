#include "load/flow.h"

#include <ctime>
#include <functional>
#include <optional>
#include <thread>

#include "load/transcript.h"

namespace load {
namespace {

std::string utc_now_rfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Result of a step: empty on success, else why it failed.
using StepError = std::optional<std::string>;

// Polls the chat until `find` returns a message, the step timeout or the run deadline.
StepError wait_for(FlowContext& ctx, std::int64_t chat_id, const char* what,
                   const std::function<const BotMessage*(const Transcript&)>& find,
                   BotMessage& found, int& polls) {
  const auto deadline =
      std::min(ctx.run_deadline, Clock::now() + std::chrono::seconds(ctx.options.step_timeout_s));
  const std::string path = "/_mock/chats/" + std::to_string(chat_id);
  std::size_t last_count = 0;
  for (;;) {
    ++polls;
    JsonResponse r = ctx.mock.get(path);
    if (!r.ok()) return std::string("GET ") + path + ": " + r.describe();
    const Transcript t = parse_transcript(r.body);
    last_count = t.bot_messages.size();
    if (const BotMessage* m = find(t)) {
      found = *m;
      return std::nullopt;
    }
    if (Clock::now() >= deadline) {
      return std::string("no ") + what + " before the deadline (" + std::to_string(last_count) +
             " bot messages in the chat)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ctx.options.poll_ms));
  }
}

StepError create_user(FlowContext& ctx, FlowResult& out) {
  JsonResponse r = ctx.mock.post(
      "/_mock/users", {{"name", "Load " + std::to_string(out.customer)}, {"language_code", "en"}});
  if (!r.ok() || !r.body.contains("user_id")) return "POST /_mock/users: " + r.describe();
  out.chat_id = r.body["user_id"].get<std::int64_t>();
  return std::nullopt;
}

StepError send_text(FlowContext& ctx, std::int64_t chat_id, const std::string& text,
                    std::int64_t* message_id) {
  const std::string path = "/_mock/users/" + std::to_string(chat_id) + "/messages";
  JsonResponse r = ctx.mock.post(path, {{"text", text}});
  if (!r.ok()) return "POST " + path + ": " + r.describe();
  if (message_id) *message_id = r.body.value("message_id", std::int64_t{0});
  return std::nullopt;
}

StepError trigger(FlowContext& ctx, FlowResult& out) {
  if (ctx.options.trigger == Trigger::kThanks) {
    return send_text(ctx, out.chat_id, "thank you!", nullptr);
  }
  JsonResponse r =
      ctx.reviewbot.post("/v1/events", sale_event(ctx.options, out.customer, out.chat_id));
  if (r.status != 202 || r.body.value("status", "") != "scheduled") {
    return "POST /v1/events: " + r.describe();
  }
  return std::nullopt;
}

StepError press(FlowContext& ctx, FlowResult& out, const BotMessage& request) {
  const std::string path = "/_mock/users/" + std::to_string(out.chat_id) + "/press";
  const std::string& data =
      request.first_row[static_cast<std::size_t>(out.rating - 1)].callback_data;
  JsonResponse r =
      ctx.mock.post(path, {{"message_id", request.message_id}, {"callback_data", data}});
  if (!r.ok()) return "POST " + path + ": " + r.describe();
  return std::nullopt;
}

// Runs the steps in order; the first failure names its step.
StepError run_steps(FlowContext& ctx, FlowResult& out) {
  const auto start = Clock::now();
  if (auto e = create_user(ctx, out)) return "create user: " + *e;

  const auto triggered = Clock::now();
  if (auto e = trigger(ctx, out)) return "trigger: " + *e;
  BotMessage request;
  if (auto e = wait_for(ctx, out.chat_id, "rating request", open_request, request, out.polls)) {
    return "wait for request: " + *e;
  }
  out.trigger_to_request_ms = ms_since(triggered);

  const auto pressed = Clock::now();
  if (auto e = press(ctx, out, request)) return "press: " + *e;
  BotMessage prompt;
  auto after_request = [&](const Transcript& t) {
    return bot_message_after(t, request.message_id);
  };
  if (auto e = wait_for(ctx, out.chat_id, "comment prompt", after_request, prompt, out.polls)) {
    return "wait for prompt: " + *e;
  }
  out.press_to_prompt_ms = ms_since(pressed);

  const auto commented = Clock::now();
  std::int64_t comment_id = 0;
  if (auto e = send_text(ctx, out.chat_id, out.comment, &comment_id)) return "comment: " + *e;
  BotMessage thanks;
  auto after_comment = [&](const Transcript& t) {
    return bot_message_after(t, std::max(comment_id, prompt.message_id));
  };
  if (auto e = wait_for(ctx, out.chat_id, "thank-you", after_comment, thanks, out.polls)) {
    return "wait for thank-you: " + *e;
  }
  out.comment_to_thanks_ms = ms_since(commented);
  out.flow_ms = ms_since(start);
  return std::nullopt;
}

}  // namespace

nlohmann::json sale_event(const Options& o, int customer, std::int64_t chat_id) {
  const std::string n = std::to_string(customer);
  return {{"id", o.run_id + "-evt-" + n},
          {"type", "transaction.completed"},
          {"occurred_at", utc_now_rfc3339()},
          {"customer", {{"telegram_chat_id", chat_id}, {"name", "Load " + n}, {"locale", "en"}}},
          {"transaction",
           {{"id", o.run_id + "-T-" + n},
            {"amount", 4.5},
            {"currency", "USD"},
            {"items", nlohmann::json::array({{{"name", "Latte"}, {"category", "coffee"}}})}}}};
}

int rating_for(const Options& options, int customer) {
  return options.rating != 0 ? options.rating : 1 + customer % 5;
}

FlowResult run_flow(int customer, FlowContext& ctx) {
  FlowResult out;
  out.customer = customer;
  out.rating = rating_for(ctx.options, customer);
  out.comment = "Load comment " + std::to_string(customer) + ": quick service, good coffee";
  try {
    if (auto e = run_steps(ctx, out)) {
      out.failure = *e;
    } else {
      out.completed = true;
    }
  } catch (const std::exception& e) {  // e.g. a JSON field of an unexpected type
    out.failure = std::string("unexpected answer: ") + e.what();
  }
  return out;
}

}  // namespace load
