// X-Request-Id handling: reuse a caller's id when it is a sane token, else make one.
// Pure except for the per-process random seed (OpenSSL RAND_bytes, drawn once); thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace reviewbot::http {

// 1–128 characters of A-Za-z0-9 and . _ : -
bool is_sane_request_id(std::string_view id);

// 32 lower-case hex characters: a random prefix per process, then a value unique within the
// process (never repeated before 2^64 ids) that does not reveal how many came before.
std::string make_request_id();

// `incoming` when sane, else a new id.
std::string request_id_for(std::string_view incoming);

}  // namespace reviewbot::http
