#include "mock_platform/webhook_deliverer.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>

namespace mock_platform {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

std::string network_error_message(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "Connection refused";
    case httplib::Error::Read:
      return "Read timeout expired";
    case httplib::Error::Write:
      return "Write failed";
    default:
      return "Connection failed: " + httplib::to_string(error);
  }
}

// Retry-After in delta-seconds; nullopt when absent or not a number.
std::optional<int> retry_after_seconds(const httplib::Response& res) {
  if (!res.has_header("Retry-After")) return std::nullopt;
  const auto v = res.get_header_value("Retry-After");
  int seconds = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc{} || seconds < 0) return std::nullopt;
  return seconds;
}

}  // namespace

std::optional<WebhookUrl> parse_webhook_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const auto scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto host_begin = scheme_end + 3;
  const auto path_begin = url.find('/', host_begin);
  const auto authority = url.substr(host_begin, path_begin - host_begin);
  if (authority.empty() || authority.front() == ':') return std::nullopt;
  WebhookUrl out;
  out.scheme_host_port = url.substr(0, path_begin);
  out.path = path_begin == std::string::npos ? "/" : url.substr(path_begin);
  return out;
}

std::chrono::milliseconds backoff_delay(const DeliveryOptions& options, int attempt) {
  auto delay = options.backoff_initial;
  for (int i = 1; i < attempt && delay < options.backoff_max; ++i) delay *= 2;
  return std::min(delay, options.backoff_max);
}

WebhookDeliverer::WebhookDeliverer(UpdateQueue& queue, Stats& stats, DeliveryOptions options)
    : queue_(queue), stats_(stats), options_(options) {}

WebhookDeliverer::~WebhookDeliverer() { clear(); }

void WebhookDeliverer::set(const WebhookConfig& config) {
  const auto url = parse_webhook_url(config.url);
  if (!url) return;
  std::lock_guard workers_lock(workers_mu_);
  stop_workers();
  {
    std::lock_guard lock(mu_);
    if (!config_ || config_->url != config.url) last_error_.reset();
    config_ = config;
  }
  stop_ = false;
  const int n = std::clamp(config.max_connections, 1, 100);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this, config, url] { worker(config, *url); });
}

void WebhookDeliverer::clear() {
  std::lock_guard workers_lock(workers_mu_);
  stop_workers();
  std::lock_guard lock(mu_);
  config_.reset();
  last_error_.reset();
}

std::optional<WebhookConfig> WebhookDeliverer::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

std::optional<WebhookDeliverer::LastError> WebhookDeliverer::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void WebhookDeliverer::stop_workers() {
  stop_ = true;
  queue_.wake_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void WebhookDeliverer::record_error(std::string message) {
  std::lock_guard lock(mu_);
  last_error_ = LastError{unix_now(), std::move(message)};
}

void WebhookDeliverer::worker(WebhookConfig config, WebhookUrl url) {
  httplib::Client client(url.scheme_host_port);
  client.set_tcp_nodelay(true);
  client.set_keep_alive(true);
  client.set_connection_timeout(options_.timeout);
  client.set_read_timeout(options_.timeout);
  client.set_write_timeout(options_.timeout);
  httplib::Headers headers;
  if (!config.secret_token.empty()) {
    headers.emplace("X-Telegram-Bot-Api-Secret-Token", config.secret_token);
  }
  while (auto update = queue_.acquire(stop_)) {
    const auto body = update->body.dump();
    auto res = client.Post(url.path, headers, body, "application/json");
    if (res && res->status >= 200 && res->status < 300) {
      // Counted before the queue lets go of it, so whoever sees it delivered (no longer
      // pending) also sees it in the stats.
      stats_.record_delivered();
      queue_.complete(update->update_id);
      continue;
    }
    auto delay = backoff_delay(options_, update->attempt);
    if (res) {
      record_error("Wrong response from the webhook: " + std::to_string(res->status) + " " +
                   reason_phrase(res->status));
      if (res->status == 429 || res->status == 503) {
        if (auto seconds = retry_after_seconds(*res)) {
          delay = std::min<std::chrono::milliseconds>(std::chrono::seconds(*seconds),
                                                      options_.retry_after_max);
        }
      }
    } else {
      record_error(network_error_message(res.error()));
    }
    stats_.record_delivery_retry();
    queue_.retry_at(update->update_id, UpdateQueue::Clock::now() + delay);
  }
}

}  // namespace mock_platform
