#include "reviewbot/http/request_id.h"

#include <openssl/rand.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace reviewbot::http {

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// splitmix64's finalizer: a bijection on 64-bit values, so distinct inputs stay distinct.
uint64_t mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Random per process, drawn once: a prefix that tells processes apart and a key that keeps
// the counter (how many requests this process answered) out of the ids.
struct IdSeed {
  uint64_t prefix = 0;
  uint64_t key = 0;
  IdSeed() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) == 1) {
      for (int i = 0; i < 8; ++i) {
        prefix = prefix << 8 | bytes[i];
        key = key << 8 | bytes[8 + i];
      }
    } else {  // unique enough for correlating logs if the CSPRNG is unavailable
      prefix =
          mix(static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
      key = mix(prefix ^ static_cast<uint64_t>(::getpid()));
    }
  }
};

void append_hex(std::string& out, uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xF]);
}

}  // namespace

// Every request without a sane id of its own gets one here, so this costs an atomic
// increment, not a call into the CSPRNG (whose lock showed at 10 k requests/s).
std::string make_request_id() {
  static const IdSeed seed;
  static std::atomic<uint64_t> counter{0};
  std::string id;
  id.reserve(32);
  append_hex(id, seed.prefix);
  append_hex(id, mix(counter.fetch_add(1, std::memory_order_relaxed) ^ seed.key));
  return id;
}

std::string request_id_for(std::string_view incoming) {
  return is_sane_request_id(incoming) ? std::string(incoming) : make_request_id();
}

}  // namespace reviewbot::http
