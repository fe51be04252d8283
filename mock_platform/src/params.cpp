#include "mock_platform/params.h"

#include <charconv>

namespace mock_platform {

Status Params::merge_json_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Ok{};
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return bad_request("can't parse JSON object");
  }
  for (auto& [key, value] : parsed.items()) values_[key] = std::move(value);
  return Ok{};
}

void Params::set_string(const std::string& name, std::string value) {
  if (!values_.contains(name)) values_[name] = std::move(value);
}

bool Params::has(const std::string& name) const {
  return values_.contains(name) && !values_[name].is_null();
}

std::optional<std::string> Params::get_string(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  const auto& v = values_[name];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return v.dump();
}

std::optional<std::int64_t> Params::get_int(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  const auto& v = values_[name];
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (!v.is_string()) return std::nullopt;
  const auto s = v.get<std::string>();
  std::int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

bool Params::get_bool(const std::string& name, bool fallback) const {
  if (!has(name)) return fallback;
  const auto& v = values_[name];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>() != 0;
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "true" || s == "True" || s == "1") return true;
    if (s == "false" || s == "False" || s == "0") return false;
  }
  return fallback;
}

std::optional<nlohmann::json> Params::get_json(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  const auto& v = values_[name];
  if (!v.is_string()) return v;
  auto parsed = nlohmann::json::parse(v.get<std::string>(), nullptr, false);
  if (parsed.is_discarded()) return v;
  return parsed;
}

}  // namespace mock_platform
