#include "reviewbot/http/request_parser.h"

#include <algorithm>
#include <cctype>

#include "reviewbot/http/form.h"

namespace reviewbot::http {
namespace {

RequestParser& self(http_parser* p) { return *static_cast<RequestParser*>(p->data); }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

const std::string* ParsedRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

RequestParser::RequestParser(RequestLimits limits) : limits_(limits) {
  settings_.on_message_begin = &RequestParser::on_message_begin;
  settings_.on_url = &RequestParser::on_url;
  settings_.on_header_field = &RequestParser::on_header_field;
  settings_.on_header_value = &RequestParser::on_header_value;
  settings_.on_headers_complete = &RequestParser::on_headers_complete;
  settings_.on_body = &RequestParser::on_body;
  settings_.on_message_complete = &RequestParser::on_message_complete;
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

RequestParser::State RequestParser::feed(std::string_view data, std::size_t& consumed) {
  consumed = 0;
  if (error_status_ != 0) return State::kFailed;
  if (complete_) return State::kComplete;
  if (data.empty()) return State::kNeedMore;
  consumed = http_parser_execute(&parser_, &settings_, data.data(), data.size());
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (complete_ && (err == HPE_PAUSED || err == HPE_OK)) return State::kComplete;
  if (err == HPE_OK) return State::kNeedMore;
  if (error_status_ == 0) {
    switch (err) {
      case HPE_HEADER_OVERFLOW:
        error_status_ = 431;
        break;
      case HPE_INVALID_TRANSFER_ENCODING:
        error_status_ = 501;
        break;
      default:
        error_status_ = 400;
        break;
    }
  }
  return State::kFailed;
}

ParsedRequest RequestParser::take() {
  ParsedRequest out = std::move(current_);
  current_ = ParsedRequest{};
  target_.clear();
  header_bytes_ = 0;
  in_value_ = false;
  in_request_ = false;
  headers_done_ = false;
  complete_ = false;
  expects_continue_ = false;
  http_parser_pause(&parser_, 0);
  return out;
}

int RequestParser::fail(int status) {
  error_status_ = status;
  return -1;
}

bool RequestParser::count_header_bytes(std::size_t n) {
  header_bytes_ += n;
  return header_bytes_ <= limits_.max_header_bytes;
}

int RequestParser::on_message_begin(http_parser* p) {
  auto& s = self(p);
  s.in_request_ = true;
  return 0;
}

int RequestParser::on_url(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.target_.size() + n > s.limits_.max_target_bytes) return s.fail(414);
  if (!s.count_header_bytes(n)) return s.fail(431);
  s.target_.append(at, n);
  return 0;
}

int RequestParser::on_header_field(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (!s.count_header_bytes(n)) return s.fail(431);
  auto& headers = s.current_.headers;
  if (headers.empty() || s.in_value_) {
    if (headers.size() >= s.limits_.max_headers) return s.fail(431);
    headers.emplace_back();
    s.in_value_ = false;
  }
  headers.back().first.append(at, n);
  return 0;
}

int RequestParser::on_header_value(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (!s.count_header_bytes(n)) return s.fail(431);
  if (s.current_.headers.empty()) return s.fail(400);
  s.current_.headers.back().second.append(at, n);
  s.in_value_ = true;
  return 0;
}

int RequestParser::on_headers_complete(http_parser* p) {
  auto& s = self(p);
  auto& req = s.current_;
  for (auto& [name, value] : req.headers) {
    name = lower(name);
    value = std::string(trim(value));
  }
  if (p->http_major != 1) return s.fail(505);
  http_parser_url url;
  http_parser_url_init(&url);
  if (http_parser_parse_url(s.target_.data(), s.target_.size(), p->method == HTTP_CONNECT, &url) !=
          0 ||
      (url.field_set & (1 << UF_PATH)) == 0) {
    return s.fail(400);
  }
  const auto part = [&](http_parser_url_fields field) {
    if ((url.field_set & (1 << field)) == 0) return std::string_view();
    return std::string_view(s.target_).substr(url.field_data[field].off, url.field_data[field].len);
  };
  req.method = http_method_str(static_cast<http_method>(p->method));
  req.path = percent_decode(part(UF_PATH), false);
  req.params = parse_form(part(UF_QUERY));
  req.keep_alive = http_should_keep_alive(p) != 0;
  req.version_minor = p->http_minor;
  const bool sized = (p->flags & F_CONTENTLENGTH) != 0;
  if (sized && p->content_length > s.limits_.max_body_bytes) return s.fail(413);
  // A body encoded (gzip, …) cannot be limited before it is decoded; nothing here sends one.
  if (const auto* encoding = req.header("content-encoding");
      encoding != nullptr && !iequals(*encoding, "identity")) {
    return s.fail(415);
  }
  const bool body_due = (p->flags & F_CHUNKED) != 0 || (sized && p->content_length > 0);
  if (const auto* expect = req.header("expect"); expect != nullptr) {
    if (!iequals(*expect, "100-continue")) return s.fail(417);
    s.expects_continue_ = body_due;
  }
  s.headers_done_ = true;
  return 0;
}

int RequestParser::on_body(http_parser* p, const char* at, std::size_t n) {
  auto& s = self(p);
  if (s.current_.body.size() + n > s.limits_.max_body_bytes) return s.fail(413);
  s.current_.body.append(at, n);
  s.expects_continue_ = false;
  return 0;
}

int RequestParser::on_message_complete(http_parser* p) {
  auto& s = self(p);
  s.complete_ = true;
  s.expects_continue_ = false;
  // Leaves the bytes of a pipelined next request unread until take().
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace reviewbot::http
