#include "reviewbot/admin/review_csv.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "reviewbot/admin/reviews_handler.h"
#include "reviewbot/http/rfc3339.h"

namespace reviewbot::admin {
namespace {

bool looks_like_formula(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

std::string optional_cell(const std::optional<std::string>& value) {
  return value ? csv_cell(*value, true) : std::string();
}

}  // namespace

std::string csv_header() {
  return "id,rating,comment,customer_telegram_chat_id,customer_external_id,customer_name,"
         "trigger,transaction_id,template,variant,locale,requested_at,answered_at,"
         "customer_telegram_name,customer_username\r\n";
}

std::string csv_cell(std::string_view value, bool guard) {
  std::string cell;
  if (guard && looks_like_formula(value)) cell.push_back('\'');
  cell.append(value);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string csv_row(const core::Review& r) {
  std::string line;
  line += std::to_string(r.id) + ',';
  line += std::to_string(r.rating) + ',';
  line += optional_cell(r.comment) + ',';
  line += (r.chat_id ? std::to_string(*r.chat_id) : std::string()) + ',';
  line += optional_cell(r.external_id) + ',';
  line += csv_cell(r.customer_name, true) + ',';
  line += std::string(core::to_string(r.trigger)) + ',';
  line += optional_cell(r.transaction_id) + ',';
  line += csv_cell(r.template_name, true) + ',';
  line += csv_cell(r.variant, true) + ',';
  line += csv_cell(r.locale, true) + ',';
  line += http::format_rfc3339(r.requested_at) + ',';
  line += http::format_rfc3339(r.answered_at) + ',';
  line += csv_cell(r.telegram_name, true) + ',';
  line += csv_cell(r.username, true) + "\r\n";
  return line;
}

ReviewCsvExport::ReviewCsvExport(store::OwnerReads& store, store::ReviewFilter filter,
                                 std::optional<int> max_rows)
    : store_(store), filter_(std::move(filter)), remaining_(max_rows) {}

core::Result<std::string> ReviewCsvExport::next_chunk() {
  std::string chunk;
  if (!started_) {
    started_ = true;
    chunk = csv_header();
  }
  if (finished_ || (remaining_ && *remaining_ <= 0)) {
    finished_ = true;
    return chunk;
  }
  filter_.limit = remaining_ ? std::min(*remaining_, kMaxReviewPage) : kMaxReviewPage;
  auto page = store_.list_reviews(filter_);
  if (!page) return page.error();
  for (const auto& review : page->reviews) chunk += csv_row(review);
  if (remaining_) *remaining_ -= static_cast<int>(page->reviews.size());
  if (page->next_cursor && !page->reviews.empty()) {
    filter_.after_id = page->next_cursor;
  } else {
    finished_ = true;
  }
  if (remaining_ && *remaining_ <= 0) finished_ = true;
  return chunk;
}

http::Reply handle_reviews_csv(const ReviewQuery& query, store::OwnerReads& store) {
  const std::optional<int> max_rows =
      query.limit_given ? std::optional<int>(query.filter.limit) : std::nullopt;
  auto exporter = std::make_shared<ReviewCsvExport>(store, query.filter, max_rows);
  auto first = exporter->next_chunk();
  if (!first) {
    spdlog::warn("review export failed: {}", first.error().message);
    return http::unavailable_reply("store unavailable, retry later");
  }
  http::Reply reply;
  reply.content_type = "text/csv; charset=utf-8";
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"reviews.csv\"");
  reply.body = std::move(first).value();
  reply.stream = [exporter]() -> core::Result<std::optional<std::string>> {
    if (exporter->finished()) return std::optional<std::string>();
    auto chunk = exporter->next_chunk();
    if (!chunk) return chunk.error();
    return std::optional<std::string>(std::move(chunk).value());
  };
  return reply;
}

}  // namespace reviewbot::admin
