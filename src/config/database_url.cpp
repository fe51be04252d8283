#include "reviewbot/config/database_url.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>
#include <string_view>

#include "config_values.h"

namespace reviewbot::config {
namespace {

using core::Error;
using values::has_space_or_control;
using values::in_quotes;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kForms =
    " (use sqlite://relative.db or sqlite:///abs/path.db, or "
    "postgres://user:password@host:5432/dbname)";
constexpr std::string_view kPostgresForm =
    " (use postgres://user:password@host:5432/dbname?key=value, with @, :, / and ? in the "
    "user name and password written as %40, %3A, %2F and %3F)";
constexpr std::string_view kEscapeForm = " (use %XX with two hex digits, e.g. %40 for @; not %00)";
constexpr int kDefaultPort = 5432;
constexpr const char* kDefaultConnectTimeout = "5";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; nullopt on a '%' without two hex digits after it, or on %00
// (libpq takes C strings). '+' stays '+', as in libpq's own URI parser.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_digit(text[i + 1]);
    const int lo = hex_digit(text[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A port number 1-65535, or nullopt.
std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

// The connection keywords this libpq knows (host, sslmode, application_name, ...).
std::set<std::string, std::less<>> libpq_keywords() {
  std::set<std::string, std::less<>> keywords;
  PQconninfoOption* options = PQconndefaults();
  if (options == nullptr) return keywords;  // out of memory: every key is then unknown
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) keywords.insert(o->keyword);
  PQconninfoFree(options);
  return keywords;
}

// Keywords whose values are secrets: masked in `redacted`, never echoed.
bool is_secret_keyword(std::string_view key) { return key == "password" || key == "sslpassword"; }

// A socket directory (libpq: a path, or @ for Linux's abstract namespace) or a loopback
// address, where TLS adds nothing.
bool is_local(const std::string& host) {
  if (host.empty()) return false;
  if (host.front() == '/' || host.front() == '@') return true;
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
  return false;
}

const std::string* find_param(const Params& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

// A later value for a keyword replaces the earlier one in place.
void set_param(Params& params, std::string key, std::string value) {
  for (auto& [k, v] : params) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  params.emplace_back(std::move(key), std::move(value));
}

// Checks the values reviewbot interprets itself, so a typo stops the process at start
// rather than at the first connection. Values are not echoed (one may be a password).
core::Status check_param(std::string_view key, const std::string& value) {
  if (key == "port" && !parse_port(value)) {
    return Error{"query parameter \"port\" is not a port number (use 1-65535)"};
  }
  if (key == "host" && (value.empty() || value.find(',') != std::string::npos)) {
    return Error{"query parameter \"host\" must name one host or socket directory"};
  }
  if (key == "connect_timeout" &&
      (value.empty() ||
       !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))) {
    return Error{"query parameter \"connect_timeout\" is not a number of seconds (e.g. 5)"};
  }
  if (key == "sslmode") {
    for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}) {
      if (value == mode) return core::ok_status();
    }
    return Error{
        "query parameter \"sslmode\" is not an SSL mode (use disable, allow, prefer, require, "
        "verify-ca or verify-full)"};
  }
  return core::ok_status();
}

// Applies "key=value&..." (without the '?') to `params`; appends its redacted form.
core::Status apply_query(std::string_view query, Params& params, std::string& redacted) {
  const auto keywords = libpq_keywords();
  bool first = true;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    const auto key = percent_decode(piece.substr(0, eq));
    if (!key || key->empty()) {
      return Error{"a query parameter has an empty or badly escaped name" +
                   std::string(kEscapeForm)};
    }
    if (keywords.find(*key) == keywords.end()) {
      return Error{"unknown query parameter " + in_quotes(*key) +
                   " (use libpq connection keywords, e.g. sslmode, connect_timeout, "
                   "application_name)"};
    }
    if (eq == std::string_view::npos) {
      return Error{"query parameter " + in_quotes(*key) + " has no value (use " + *key + "=value)"};
    }
    auto value = percent_decode(piece.substr(eq + 1));
    if (!value) {
      return Error{"the value of query parameter " + in_quotes(*key) + " is badly escaped" +
                   std::string(kEscapeForm)};
    }
    if (auto s = check_param(*key, *value); !s) return s;
    redacted += first ? '?' : '&';
    first = false;
    redacted += is_secret_keyword(*key) ? std::string(piece.substr(0, eq)) + "=***" : piece;
    set_param(params, *key, std::move(*value));
  }
  return core::ok_status();
}

core::Result<DatabaseTarget> parse_postgres(std::string_view url, std::size_t scheme_end) {
  const auto fail = [](std::string what) {
    return Error{std::move(what) + std::string(kPostgresForm)};
  };
  if (has_space_or_control(url)) {
    return fail("the URL contains spaces or control characters (percent-encode them, e.g. %20)");
  }
  DatabaseTarget target;
  target.kind = DatabaseTarget::Kind::kPostgres;
  target.redacted = std::string(url.substr(0, scheme_end + 3));

  const std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path_and_query = rest.substr(authority_end);
  // An @ after the host means a / or ? in the user information was not encoded, so the
  // split below would put part of the password into the host, path or query.
  if (path_and_query.find('@') != std::string_view::npos) {
    return Error{
        "the URL has an unencoded @ after the host (write @, :, / and ? in the user name, "
        "password and parameters as %40, %3A, %2F and %3F)"};
  }

  Params& params = target.libpq_params;
  const std::size_t at = authority.rfind('@');
  std::string_view host_port = authority;
  std::optional<std::string> user;
  std::optional<std::string> password;
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    user = percent_decode(userinfo.substr(0, colon));
    if (!user) return Error{"the user name is badly escaped" + std::string(kEscapeForm)};
    target.redacted += std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      password = percent_decode(userinfo.substr(colon + 1));
      if (!password) return Error{"the password is badly escaped" + std::string(kEscapeForm)};
      target.redacted += ":***";
    }
    target.redacted += '@';
  }
  target.redacted += std::string(host_port);

  std::string_view host_text = host_port;
  std::optional<std::string_view> port_text;
  if (!host_port.empty() && host_port.front() == '[') {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) return fail("the IPv6 host has no closing ]");
    host_text = host_port.substr(1, close - 1);
    const std::string_view after = host_port.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      return fail("expected :port after the bracketed IPv6 host");
    }
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const std::size_t colon = host_port.find(':');
    if (colon != std::string_view::npos) {
      if (host_port.find(':', colon + 1) != std::string_view::npos) {
        return fail("an IPv6 host must be written in brackets, e.g. [::1]");
      }
      host_text = host_port.substr(0, colon);
      port_text = host_port.substr(colon + 1);
    }
  }
  const auto host = percent_decode(host_text);
  if (!host) return Error{"the host is badly escaped" + std::string(kEscapeForm)};
  if (host->find(',') != std::string::npos) return fail("the URL must name one host");
  int port = kDefaultPort;
  if (port_text) {
    const auto parsed = parse_port(*port_text);
    // Not echoed: in postgres://user:secret/db (no @host) the "port" is the password.
    if (!parsed) return fail("the port is not a port number (1-65535)");
    port = *parsed;
  }
  if (!host->empty()) set_param(params, "host", *host);
  set_param(params, "port", std::to_string(port));

  const std::size_t query_start = std::min(path_and_query.find('?'), path_and_query.size());
  const std::string_view path = path_and_query.substr(0, query_start);
  target.redacted += std::string(path);
  if (!path.empty()) {
    const auto dbname = percent_decode(path.substr(1));
    if (!dbname) return Error{"the database name is badly escaped" + std::string(kEscapeForm)};
    if (!dbname->empty()) set_param(params, "dbname", *dbname);
  }
  if (user && !user->empty()) set_param(params, "user", *user);
  if (password && !password->empty()) set_param(params, "password", *password);

  if (query_start < path_and_query.size()) {
    if (auto s = apply_query(path_and_query.substr(query_start + 1), params, target.redacted); !s) {
      return s.error();
    }
  }

  const std::string* final_host = find_param(params, "host");
  if (final_host == nullptr || final_host->empty()) {
    return fail("the URL names no host (nor a socket directory in ?host=)");
  }
  const std::string* final_dbname = find_param(params, "dbname");
  if (final_dbname == nullptr || final_dbname->empty()) {
    return fail("the URL names no database");
  }
  target.host = *final_host;
  target.port = *parse_port(*find_param(params, "port"));
  target.dbname = *final_dbname;
  if (const std::string* u = find_param(params, "user")) target.user = *u;

  // libpq dials hostaddr when it is given, so that is where the traffic goes.
  const std::string* dialled = find_param(params, "hostaddr");
  if (find_param(params, "sslmode") == nullptr && !is_local(dialled ? *dialled : target.host)) {
    params.emplace_back("sslmode", "require");
  }
  if (find_param(params, "connect_timeout") == nullptr) {
    params.emplace_back("connect_timeout", kDefaultConnectTimeout);
  }
  return target;
}

}  // namespace

core::Result<DatabaseTarget> parse_database_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Error{"not a database URL" + std::string(kForms)};
  const std::string_view scheme = std::string_view(url).substr(0, scheme_end);
  if (scheme == "postgres" || scheme == "postgresql") return parse_postgres(url, scheme_end);
  if (scheme != "sqlite") {
    // Only a plain scheme name is echoed: whatever else precedes :// may be a secret.
    const bool plain = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    return Error{"unsupported scheme" + (plain ? " " + in_quotes(scheme) : std::string()) +
                 std::string(kForms)};
  }
  DatabaseTarget target;
  target.sqlite_path = url.substr(scheme_end + 3);
  if (target.sqlite_path.empty() || target.sqlite_path.back() == '/') {
    return Error{"the URL names no file" + std::string(kForms)};
  }
  target.redacted = url;
  return target;
}

}  // namespace reviewbot::config
