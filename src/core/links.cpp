#include "reviewbot/core/links.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string_view>

namespace reviewbot::core {
namespace {

constexpr std::size_t kTagChars = 12;  // 9 bytes of the HMAC, base64url
constexpr std::size_t kTagBytes = 9;
constexpr std::string_view kDomain = "reviewbot-link-v1:";  // separates this use of the secret
constexpr std::string_view kOwnerDomain = "reviewbot-owner-link-v1:";
constexpr std::size_t kOwnerParameterChars = 1 + 11 + kTagChars;  // "o", 8 bytes, tag
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Decodes unpadded base64url; nullopt for other characters or an impossible length.
std::optional<std::string> unbase64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::optional<std::string> tag_for(const std::string& secret, std::string_view payload,
                                   std::string_view domain = kDomain) {
  std::string message(domain);
  message.append(payload);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
           &mac_len) == nullptr ||
      mac_len < kTagBytes) {
    return std::nullopt;
  }
  return base64url(std::string_view(reinterpret_cast<const char*>(mac.data()), kTagBytes));
}

std::string big_endian(uint64_t v) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) bytes[static_cast<std::size_t>(i)] = static_cast<char>(v);
  return bytes;
}

uint64_t from_big_endian(std::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

}  // namespace

Result<std::string> make_owner_parameter(const std::string& secret, Time expires) {
  if (secret.empty()) return Error{"link secret is empty"};
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch());
  const std::string payload = big_endian(static_cast<uint64_t>(seconds.count()));
  auto tag = tag_for(secret, payload, kOwnerDomain);
  if (!tag) return Error{"HMAC-SHA256 failed"};
  return "o" + base64url(payload) + *tag;
}

bool verify_owner_parameter(const std::string& secret, const std::string& parameter, Time now) {
  if (secret.empty() || parameter.size() != kOwnerParameterChars || parameter[0] != 'o') {
    return false;
  }
  const std::string_view encoded(parameter.data() + 1, 11);
  const std::string_view tag(parameter.data() + 12, kTagChars);
  const auto payload = unbase64url(encoded);
  if (!payload || payload->size() != 8 || base64url(*payload) != encoded) return false;
  const auto expected = tag_for(secret, *payload, kOwnerDomain);
  if (!expected || CRYPTO_memcmp(expected->data(), tag.data(), kTagChars) != 0) return false;
  const auto expires = std::chrono::seconds(static_cast<int64_t>(from_big_endian(*payload)));
  return now.time_since_epoch() < expires;
}

Result<std::string> make_start_parameter(const std::string& secret,
                                         const std::string& external_id) {
  if (secret.empty()) return Error{"link secret is empty"};
  if (external_id.empty()) return Error{"external_id is empty"};
  if (external_id.size() > kMaxLinkExternalIdBytes) {
    return Error{"external_id is longer than " + std::to_string(kMaxLinkExternalIdBytes) +
                 " bytes"};
  }
  auto tag = tag_for(secret, external_id);
  if (!tag) return Error{"HMAC-SHA256 failed"};
  return base64url(external_id) + *tag;
}

std::optional<std::string> verify_start_parameter(const std::string& secret,
                                                  const std::string& parameter) {
  if (secret.empty() || parameter.size() <= kTagChars || parameter.size() > 64) {
    return std::nullopt;
  }
  const std::string_view encoded_id(parameter.data(), parameter.size() - kTagChars);
  const std::string_view tag(parameter.data() + encoded_id.size(), kTagChars);
  auto external_id = unbase64url(encoded_id);
  // Only the canonical encoding is accepted, so one id has exactly one parameter.
  if (!external_id || external_id->empty() || external_id->size() > kMaxLinkExternalIdBytes ||
      base64url(*external_id) != encoded_id) {
    return std::nullopt;
  }
  const auto expected = tag_for(secret, *external_id);
  if (!expected || expected->size() != kTagChars ||
      CRYPTO_memcmp(expected->data(), tag.data(), kTagChars) != 0) {
    return std::nullopt;
  }
  return external_id;
}

}  // namespace reviewbot::core
