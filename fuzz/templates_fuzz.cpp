// Message templates, as a shop edits them: the shipped set with one English template
// replaced by the input (its first byte picks which). validate_templates never crashes or
// runs away (it refuses nested item sections, whose cost grows with items^depth), and a
// refusal always says why.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "reviewbot/config/template_loader.h"
#include "reviewbot/core/templates.h"

namespace {

const reviewbot::core::TemplateSet& shipped() {
  static const reviewbot::core::TemplateSet set = [] {
    auto loaded = reviewbot::config::load_templates(REVIEWBOT_FUZZ_TEMPLATES_DIR);
    if (!loaded) {
      std::fprintf(stderr, "templates: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& base = shipped();
  auto sources = base.sources();
  auto& english = sources.at("en");
  auto it = english.begin();
  std::advance(it, data[0] % english.size());
  it->second.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  const reviewbot::core::TemplateSet candidate(base.rules(), std::move(sources));
  const auto status = reviewbot::config::validate_templates(candidate);
  if (!status) FUZZ_CHECK(!status.error().message.empty());
  return 0;
}
