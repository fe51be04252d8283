#include "reviewbot/config/template_loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

namespace reviewbot::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kManifest = "templates.json";
constexpr const char* kExtension = ".mustache";

struct ManifestError {
  std::string message;
};

void reject_unknown_keys(const json& object, const std::set<std::string>& known,
                         const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    if (!known.count(key)) throw ManifestError{where + ": unknown key \"" + key + "\""};
  }
}

std::string string_field(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) throw ManifestError{where + ": \"" + key + "\" is required"};
  if (!it->is_string()) throw ManifestError{where + ": \"" + key + "\" must be a string"};
  return it->get<std::string>();
}

std::vector<std::string> string_list(const json& value, const std::string& where) {
  if (!value.is_array()) throw ManifestError{where + " must be an array of strings"};
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) throw ManifestError{where + " must be an array of strings"};
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<double> number_field(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_number()) throw ManifestError{where + ": \"" + key + "\" must be a number"};
  return it->get<double>();
}

core::TemplateSet::Rule parse_rule(const json& entry, const std::string& where) {
  if (!entry.is_object()) throw ManifestError{where + " must be an object"};
  reject_unknown_keys(entry, {"name", "trigger", "match", "variants"}, where);
  core::TemplateSet::Rule rule;
  rule.name = string_field(entry, "name", where);
  const std::string trigger = string_field(entry, "trigger", where);
  if (trigger == core::to_string(core::Trigger::kTransactionCompleted)) {
    rule.trigger = core::Trigger::kTransactionCompleted;
  } else if (trigger == core::to_string(core::Trigger::kThankYou)) {
    rule.trigger = core::Trigger::kThankYou;
  } else {
    throw ManifestError{where + ": \"trigger\" must be \"transaction.completed\" or \"thank_you\""};
  }
  if (const auto match = entry.find("match"); match != entry.end()) {
    const std::string at = where + ".match";
    if (!match->is_object()) throw ManifestError{at + " must be an object"};
    reject_unknown_keys(*match, {"categories", "min_amount", "max_amount"}, at);
    if (const auto c = match->find("categories"); c != match->end()) {
      rule.categories = string_list(*c, at + ".categories");
    }
    rule.min_amount = number_field(*match, "min_amount", at);
    rule.max_amount = number_field(*match, "max_amount", at);
  }
  if (const auto v = entry.find("variants"); v != entry.end()) {
    rule.variants = string_list(*v, where + ".variants");
  }
  return rule;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  std::string s = text.str();
  if (s.starts_with("\xEF\xBB\xBF")) s.erase(0, 3);  // UTF-8 byte order mark
  return s;
}

core::Result<std::vector<core::TemplateSet::Rule>> parse_manifest(const std::string& text,
                                                                  const std::string& file) {
  try {
    const json manifest = json::parse(text);
    if (!manifest.is_object()) return core::Error{file + ": must be a JSON object"};
    reject_unknown_keys(manifest, {"requests"}, file);
    const auto requests = manifest.find("requests");
    if (requests == manifest.end() || !requests->is_array()) {
      return core::Error{file + ": \"requests\" must be an array"};
    }
    std::vector<core::TemplateSet::Rule> rules;
    for (std::size_t i = 0; i < requests->size(); ++i) {
      rules.push_back(parse_rule((*requests)[i], file + ": requests[" + std::to_string(i) + "]"));
    }
    return rules;
  } catch (const ManifestError& e) {
    return core::Error{e.message};
  } catch (const json::exception& e) {
    return core::Error{file + ": invalid JSON: " + e.what()};
  }
}

// Sorted directory entries, so errors and results do not depend on the file system's order.
core::Result<std::vector<fs::directory_entry>> list_dir(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) return core::Error{dir.string() + ": cannot list: " + ec.message()};
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path() < b.path(); });
  return entries;
}

}  // namespace

core::Result<core::TemplateSet> load_templates(const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return core::Error{dir + ": not a directory"};

  const fs::path manifest_path = root / kManifest;
  const auto manifest_text = read_file(manifest_path);
  if (!manifest_text) return core::Error{manifest_path.string() + ": cannot read"};
  auto rules = parse_manifest(*manifest_text, manifest_path.string());
  if (!rules) return rules.error();

  std::map<std::string, std::map<std::string, std::string>> sources;
  auto entries = list_dir(root);
  if (!entries) return entries.error();
  for (const auto& entry : *entries) {
    const std::string locale = entry.path().filename().string();
    if (!entry.is_directory(ec) || locale.starts_with(".")) continue;
    auto files = list_dir(entry.path());
    if (!files) return files.error();
    auto& texts = sources[locale];
    for (const auto& file : *files) {
      const std::string filename = file.path().filename().string();
      if (!file.is_regular_file(ec) || !filename.ends_with(kExtension)) continue;
      const auto text = read_file(file.path());
      if (!text) return core::Error{file.path().string() + ": cannot read"};
      texts[filename.substr(0, filename.size() - std::char_traits<char>::length(kExtension))] =
          *text;
    }
  }

  core::TemplateSet set(std::move(rules).value(), std::move(sources));
  if (auto status = validate_templates(set); !status) {
    const std::string prefix = dir.ends_with('/') ? dir : dir + "/";
    return core::Error{prefix + status.error().message};
  }
  return set;
}

}  // namespace reviewbot::config
