#include "reviewbot/admin/passwords.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>
#include <mutex>
#include <vector>

namespace reviewbot::admin {
namespace {

constexpr int kLogN = 14;
constexpr std::uint64_t kR = 8;
constexpr std::uint64_t kP = 5;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;
constexpr int kMaxLogN = 20;  // refuse hashes that would take more than 1 GiB to check

std::mutex& hashing_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xF]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return false;
    out.push_back(static_cast<unsigned char>(value));
  }
  return true;
}

struct Parameters {
  int log_n = 0;
  std::uint64_t r = 0;
  std::uint64_t p = 0;
};

bool derive(std::string_view password, const std::vector<unsigned char>& salt, Parameters params,
            std::vector<unsigned char>& key) {
  const std::uint64_t n = std::uint64_t{1} << params.log_n;
  const std::uint64_t maxmem = 128 * n * params.r * params.p + (std::uint64_t{1} << 20);
  std::lock_guard lock(hashing_mutex());
  return EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, params.r,
                        params.p, maxmem, key.data(), key.size()) == 1;
}

// "ln=14,r=8,p=5"
bool parse_parameters(std::string_view text, Parameters& out) {
  unsigned long long values[3] = {0, 0, 0};
  const char* names[3] = {"ln=", "r=", "p="};
  for (int i = 0; i < 3; ++i) {
    const std::string_view name = names[i];
    if (text.substr(0, name.size()) != name) return false;
    text.remove_prefix(name.size());
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), values[i]);
    if (ec != std::errc()) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    if (i < 2) {
      if (text.empty() || text.front() != ',') return false;
      text.remove_prefix(1);
    }
  }
  if (!text.empty() || values[0] < 1 || values[0] > kMaxLogN || values[1] < 1 || values[1] > 32 ||
      values[2] < 1 || values[2] > 32) {
    return false;
  }
  out = Parameters{static_cast<int>(values[0]), values[1], values[2]};
  return true;
}

}  // namespace

core::Result<std::string> hash_password(std::string_view password) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return core::Error{"the random number generator failed"};
  }
  std::vector<unsigned char> key(kKeyBytes);
  if (!derive(password, salt, Parameters{kLogN, kR, kP}, key)) {
    return core::Error{"scrypt failed"};
  }
  return "$scrypt$ln=" + std::to_string(kLogN) + ",r=" + std::to_string(kR) +
         ",p=" + std::to_string(kP) + "$" + to_hex(salt.data(), salt.size()) + "$" +
         to_hex(key.data(), key.size());
}

bool verify_password(std::string_view password, std::string_view encoded) {
  constexpr std::string_view kPrefix = "$scrypt$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return false;
  encoded.remove_prefix(kPrefix.size());
  const auto first = encoded.find('$');
  if (first == std::string_view::npos) return false;
  const auto second = encoded.find('$', first + 1);
  if (second == std::string_view::npos) return false;
  Parameters params;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> expected;
  if (!parse_parameters(encoded.substr(0, first), params) ||
      !from_hex(encoded.substr(first + 1, second - first - 1), salt) ||
      !from_hex(encoded.substr(second + 1), expected) || salt.empty() || expected.size() < 16 ||
      expected.size() > 64) {
    return false;
  }
  std::vector<unsigned char> key(expected.size());
  if (!derive(password, salt, params, key)) return false;
  return CRYPTO_memcmp(key.data(), expected.data(), key.size()) == 0;
}

core::Result<std::string> random_token(std::size_t bytes) {
  std::vector<unsigned char> data(bytes);
  if (RAND_bytes(data.data(), static_cast<int>(data.size())) != 1) {
    return core::Error{"the random number generator failed"};
  }
  return to_hex(data.data(), data.size());
}

std::string token_hash(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return to_hex(digest, sizeof digest);
}

}  // namespace reviewbot::admin
