#include <cstdlib>
#include <filesystem>

#include "core/engine_fixture.h"
#include "reviewbot/config/template_loader.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

namespace {

// ctest sets REVIEWBOT_TEMPLATES_DIR; run directly, the shipped folder is found from here.
std::string templates_dir() {
  if (const char* dir = std::getenv("REVIEWBOT_TEMPLATES_DIR"); dir && *dir) return dir;
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "templates")
      .string();
}

bool fits_telegram(const std::string& text) { return !text.empty() && text.size() <= 4096; }

// Every text is non-empty and within Telegram's 4096 limit (bytes bound the UTF-16 count
// from above), and every button's callback_data within Telegram's 64 bytes.
bool every_message_has_text(const Decision& d) {
  for (const auto& m : d.messages) {
    if (const auto* send = std::get_if<SendText>(&m.body)) {
      if (!fits_telegram(send->text)) return false;
      for (const auto& row : send->keyboard) {
        for (const auto& button : row) {
          if (button.callback_data.size() > 64 || button.text.empty()) return false;
        }
      }
    }
    if (const auto* edit = std::get_if<EditText>(&m.body); edit && !fits_telegram(edit->text)) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("the shipped templates carry a whole conversation in every locale",
          "[engine][templates]") {
  auto loaded = reviewbot::config::load_templates(templates_dir());
  REQUIRE(loaded.ok());
  EngineFixture f;
  f.templates = *loaded;

  for (const char* locale : {"en", "ru", "es", "zh"}) {
    INFO(locale);
    auto customer = stored_customer();
    customer.locale = locale;
    customer.name = "<b>Ann</b>";

    const auto requested = f.decide(sale("evt-1", kChat), with(customer));
    REQUIRE(requested.outcome.status == Outcome::Status::kScheduled);
    CHECK(requested.conversation->locale == locale);
    CHECK(every_message_has_text(requested));
    CHECK(text_of(only(requested, Kind::kRequest)).text.find("<b>Ann") == std::string::npos);
    // Without its buttons the request asks for a typed rating, in the customer's language.
    const auto& request = text_of(only(requested, Kind::kRequest));
    CHECK(request.text_without_keyboard.rfind(request.text + "\n\n", 0) == 0);
    CHECK(request.text_without_keyboard.find('5', request.text.size()) != std::string::npos);
    CHECK(fits_telegram(request.text_without_keyboard));

    auto state = after(with(customer), requested);
    state.conversation->request_message_id = kRequestMessageId;
    const auto rated = f.decide(press(kChat, "rate:1"), state);
    CHECK(kinds(rated) == std::vector{Kind::kCallbackAnswer, Kind::kRatingAck, Kind::kCommentPrompt,
                                      Kind::kOwnerAlert});
    CHECK(every_message_has_text(rated));

    const auto done = f.decide(text_from(kChat, "cold & late"), after(state, rated));
    CHECK(has(done, Kind::kThankYou));
    CHECK(has(done, Kind::kOwnerAlert));
    CHECK(every_message_has_text(done));

    CHECK(has(f.decide(text_from(kChat, "stop"), with(customer)), Kind::kNotice));
    CHECK(f.decide(text_from(kChat, "thanks!"), with(customer)).outcome.status ==
          Outcome::Status::kScheduled);
  }
}
