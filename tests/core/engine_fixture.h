// Shared setup for the Engine's tests: short in-memory templates (so the tests do not depend
// on the wording of the shipped ones) and an Engine with known settings; builders and finders
// come along. Single-threaded test use.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/decision_finders.h"
#include "core/engine_builders.h"
#include "reviewbot/core/engine.h"

namespace reviewbot::testing {

inline core::TemplateSet test_templates() {
  std::vector<core::TemplateSet::Rule> rules{
      {"sale", core::Trigger::kTransactionCompleted, {}, {}, {}, {}},
      {"thanks", core::Trigger::kThankYou, {}, {}, {}, {}},
  };
  std::map<std::string, std::map<std::string, std::string>> sources{
      {"en",
       {
           {"sale", "How was it, {{customer_name}}?"},
           {"thanks", "Glad you liked it, {{customer_name}}! Rate us?"},
           {"reminder", "Reminder from {{business_name}}"},
           {"rating_ack", "You rated {{rating}}"},
           {"comment_prompt", "Anything to add?"},
           {"skip_button", "Skip"},
           {"thank_you", "Thank you!"},
           {"review_button", "Review us"},
           {"owner_alert", "Rating {{rating}} from {{customer_name}}: [{{comment}}]"},
           {"opted_out", "Unsubscribed"},
           {"opted_in", "Welcome back"},
           {"welcome", "This is the shop's bot; /stop stops it"},
           {"closed", "Closed"},
           {"typed_rating_hint", "Reply 1-5"},
       }},
  };
  return core::TemplateSet(std::move(rules), std::move(sources));
}

// Quiet hours off and UTC unless a test sets them; defaults otherwise.
struct EngineFixture {
  core::TemplateSet templates = test_templates();
  core::Policy policy = [] {
    core::Policy p;
    p.quiet_hours.reset();
    return p;
  }();
  core::EngineSettings settings{"Cafe", kReviewUrl, kOwnerChat, kLinkSecret, ""};
  core::Time now = utc(2026, 11, 22, 12);

  core::Decision decide(const core::Event& event, const core::Snapshot& state = {}) const {
    return core::Engine(policy, settings, templates).decide(event, state, now);
  }
  core::Lookup lookup(const core::Event& event) const {
    return core::Engine(policy, settings, templates).lookup_for(event);
  }
};

}  // namespace reviewbot::testing
