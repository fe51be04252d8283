// CSV export of reviews (GET /v1/reviews?format=csv): the JSON columns with the customer
// flattened, RFC 4180 quoting and CRLF line ends, no BOM. Text cells that a spreadsheet
// would run as a formula (starting with = + - @, tab or CR) get a leading single quote;
// numeric columns (ids, ratings, chat ids, which may be negative) are never altered.
// ReviewCsvExport pages through the store; one instance belongs to one response.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reviewbot/admin/reviews_handler.h"
#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"
#include "reviewbot/http/reply.h"
#include "reviewbot/store/owner_reads.h"

namespace reviewbot::admin {

// "id,rating,comment,customer_telegram_chat_id,customer_external_id,customer_name,trigger,
// transaction_id,template,variant,locale,requested_at,answered_at\r\n"
std::string csv_header();

// One cell: quoted when it contains a comma, quote, CR or LF (quotes doubled); with
// `guard`, a formula-looking value is prefixed with '.
std::string csv_cell(std::string_view value, bool guard);

// One review as a CSV line ending in CRLF.
std::string csv_row(const core::Review& review);

// Streams every review matching the filter (newest first, from filter.after_id if set),
// or at most `max_rows` of them, a store page at a time.
class ReviewCsvExport {
 public:
  // `store` must outlive the export. filter.limit is ignored; see max_rows.
  ReviewCsvExport(store::OwnerReads& store, store::ReviewFilter filter,
                  std::optional<int> max_rows);

  // The header plus the first page on the first call, then one page per call; "" once
  // everything was returned. An error when the store fails (the caller aborts the stream).
  core::Result<std::string> next_chunk();

  bool finished() const { return finished_; }

 private:
  store::OwnerReads& store_;
  store::ReviewFilter filter_;
  std::optional<int> remaining_;
  bool started_ = false;
  bool finished_ = false;
};

// GET /v1/reviews?format=csv: 200 text/csv as an attachment, streamed a page at a time
// (the first page is read before answering, so a store failure is a 503).
http::Reply handle_reviews_csv(const ReviewQuery& query, store::OwnerReads& store);

}  // namespace reviewbot::admin
