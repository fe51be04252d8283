#include "reviewbot/config/template_loader.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace reviewbot;
namespace fs = std::filesystem;

namespace {

// ctest sets REVIEWBOT_TEMPLATES_DIR; run directly, the shipped folder is found from this
// file's location (tests/config/ -> repository root).
fs::path shipped_templates() {
  if (const char* dir = std::getenv("REVIEWBOT_TEMPLATES_DIR"); dir && *dir) return dir;
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "templates";
}

// A copy of the shipped templates in a fresh temporary folder, removed afterwards.
class TempTemplates {
 public:
  TempTemplates() {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("reviewbot-templates-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(dir_);
    fs::copy(shipped_templates(), dir_, fs::copy_options::recursive);
  }
  ~TempTemplates() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempTemplates(const TempTemplates&) = delete;
  TempTemplates& operator=(const TempTemplates&) = delete;

  std::string dir() const { return dir_.string(); }
  void write(const std::string& relative, const std::string& text) const {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::binary | std::ios::trunc) << text;
  }
  void remove(const std::string& relative) const { fs::remove(dir_ / relative); }

 private:
  fs::path dir_;
};

std::string load_error(const TempTemplates& t) {
  auto set = config::load_templates(t.dir());
  REQUIRE_FALSE(set);
  return set.error().message;
}

}  // namespace

TEST_CASE("the shipped templates load and validate", "[template_loader]") {
  auto set = config::load_templates(shipped_templates().string());
  INFO((set ? std::string() : set.error().message));
  REQUIRE(set);
  CHECK(config::validate_templates(*set));

  SECTION("every supported locale is present") {
    for (const char* locale : {"en", "ru", "es", "zh"}) {
      CHECK(set->sources().count(locale) == 1);
    }
  }
  SECTION("a coffee sale gets the coffee request in one of its two variants") {
    core::RequestFacts facts;
    facts.items = {{"Latte", "coffee"}};
    facts.locale = "ru";
    auto choice = set->choose_request(facts);
    REQUIRE(choice);
    CHECK(choice->name == "coffee");
    CHECK((choice->variant == "a" || choice->variant == "b"));
    CHECK(choice->locale == "ru");
  }
  SECTION("a thank-you note and an ordinary sale each have a request") {
    core::RequestFacts facts;
    facts.trigger = core::Trigger::kThankYou;
    CHECK(set->choose_request(facts));
    facts.trigger = core::Trigger::kTransactionCompleted;
    facts.items = {{"Scarf", "clothes"}};
    CHECK(set->choose_request(facts));
  }
  SECTION("the rating acknowledgement shows the stars") {
    core::RenderVars vars;
    vars.rating = 4;
    CHECK(set->render(core::message::kRatingAck, "en", vars).value() ==
          "You rated us ★★★★☆ — thank you!");
  }
  SECTION("the thank-you invites a public review only when there is a review URL") {
    core::RenderVars vars;
    for (int rating : {1, 5}) {
      vars.rating = rating;
      vars.review_url = "https://g.page/r/x";
      CHECK_THAT(set->render(core::message::kThankYou, "en", vars).value(),
                 Catch::Contains("public review"));
      vars.review_url.clear();
      CHECK_THAT(set->render(core::message::kThankYou, "en", vars).value(),
                 !Catch::Contains("public review"));
    }
  }
  SECTION("the owner alert shows rating, comment and customer, or says what is missing") {
    core::RenderVars vars;
    vars.rating = 2;
    vars.customer_name = "Ann";
    vars.transaction_id = "T-1";
    const std::string with_comment = [&] {
      auto v = vars;
      v.comment = "Cold";
      return set->render(core::message::kOwnerAlert, "en", v).value();
    }();
    CHECK_THAT(with_comment, Catch::Contains("2/5 ★★☆☆☆") && Catch::Contains("Ann") &&
                                 Catch::Contains("T-1") && Catch::Contains("Cold"));
    CHECK_THAT(set->render(core::message::kOwnerAlert, "en", vars).value(),
               Catch::Contains("(no comment)"));
  }
  SECTION("a request reads well without business or customer name") {
    core::RenderVars vars;
    auto text = set->render("purchase", "en", vars).value();
    CHECK(text.starts_with("Hi! Thanks for shopping."));
  }
}

TEST_CASE("a broken template folder is an error naming the file", "[template_loader]") {
  TempTemplates t;

  SECTION("a manifest that is not JSON") {
    t.write("templates.json", "{\"requests\": [");
    CHECK_THAT(load_error(t), Catch::Contains("templates.json") && Catch::Contains("invalid JSON"));
  }
  SECTION("an unknown key in the manifest") {
    t.write("templates.json",
            R"({"requests":[{"name":"purchase","trigger":"transaction.completed","matches":{}},
                            {"name":"thanks_reply","trigger":"thank_you"}]})");
    CHECK_THAT(load_error(t), Catch::Contains("templates.json") && Catch::Contains("\"matches\""));
  }
  SECTION("an unknown trigger") {
    t.write("templates.json", R"({"requests":[{"name":"purchase","trigger":"sale"}]})");
    CHECK_THAT(load_error(t), Catch::Contains("templates.json") && Catch::Contains("trigger"));
  }
  SECTION("no request for the thank-you trigger") {
    t.write("templates.json",
            R"({"requests":[{"name":"purchase","trigger":"transaction.completed"}]})");
    t.remove("en/thanks_reply.mustache");
    CHECK_THAT(load_error(t), Catch::Contains("templates.json") && Catch::Contains("thank_you"));
  }
  SECTION("a missing manifest") {
    t.remove("templates.json");
    CHECK_THAT(load_error(t), Catch::Contains("templates.json"));
  }
  SECTION("English lacks a fixed message") {
    t.remove("en/owner_alert.mustache");
    CHECK_THAT(load_error(t),
               Catch::Contains("en/owner_alert.mustache") && Catch::Contains("missing"));
  }
  SECTION("English lacks one variant of a request") {
    t.remove("en/coffee.b.mustache");
    CHECK_THAT(load_error(t), Catch::Contains("en/coffee.b.mustache"));
  }
  SECTION("a template renders longer than Telegram allows") {
    t.write("es/reminder.mustache", std::string(4097, 'x'));
    CHECK_THAT(load_error(t), Catch::Contains("es/reminder.mustache") && Catch::Contains("4096"));
  }
  SECTION("entities count one character each, as Telegram counts them") {
    std::string entities;
    for (int i = 0; i < 4000; ++i) entities += "&amp;";
    t.write("es/reminder.mustache", "<b>" + entities + "</b>");
    CHECK(config::load_templates(t.dir()).ok());
    t.write("es/reminder.mustache", "<b>" + entities + std::string(97, 'x') + "</b>");
    CHECK_THAT(load_error(t), Catch::Contains("es/reminder.mustache") && Catch::Contains("4097"));
  }
  SECTION("a Mustache syntax error") {
    t.write("ru/thank_you.mustache", "Спасибо{{#customer_name}}, {{customer_name}}");
    CHECK_THAT(load_error(t), Catch::Contains("ru/thank_you.mustache"));
  }
  SECTION("a misspelt variable") {
    t.write("en/opted_in.mustache", "Welcome back, {{costumer_name}}!");
    CHECK_THAT(load_error(t),
               Catch::Contains("en/opted_in.mustache") && Catch::Contains("costumer_name"));
  }
  SECTION("an unescaped variable") {
    t.write("en/opted_in.mustache", "Welcome back, {{{customer_name}}}!");
    CHECK_THAT(load_error(t),
               Catch::Contains("en/opted_in.mustache") && Catch::Contains("unescaped"));
  }
  SECTION("a file that is neither a message nor a request") {
    t.write("zh/thankyou.mustache", "谢谢");
    CHECK_THAT(load_error(t), Catch::Contains("zh/thankyou.mustache"));
  }
  SECTION("HTML that Telegram would reject") {
    t.write("en/closed.mustache", "Closed <br> sorry");
    CHECK_THAT(load_error(t), Catch::Contains("en/closed.mustache"));
    t.write("en/closed.mustache", "Closed");
    t.write("en/reminder.mustache", "Hi <b>there");
    CHECK_THAT(load_error(t),
               Catch::Contains("en/reminder.mustache") && Catch::Contains("never closed"));
    t.write("en/reminder.mustache", "Fish &amp chips");
    CHECK_THAT(load_error(t), Catch::Contains("en/reminder.mustache"));
  }
  SECTION("a button label with markup or variables") {
    t.write("en/skip_button.mustache", "<b>Skip</b>");
    CHECK_THAT(load_error(t), Catch::Contains("en/skip_button.mustache"));
    t.write("en/skip_button.mustache", "Skip {{customer_name}}");
    CHECK_THAT(load_error(t), Catch::Contains("en/skip_button.mustache"));
  }
  SECTION("a template that renders empty") {
    t.write("es/closed.mustache", "{{#review_url}}x{{/review_url}}");
    CHECK_THAT(load_error(t), Catch::Contains("es/closed.mustache") && Catch::Contains("empty"));
  }
  SECTION("a folder that does not exist") {
    auto set = config::load_templates(t.dir() + "/nope");
    REQUIRE_FALSE(set);
    CHECK_THAT(set.error().message, Catch::Contains("nope"));
  }
}

TEST_CASE("validate_templates checks an in-memory set", "[template_loader]") {
  auto shipped = config::load_templates(shipped_templates().string());
  REQUIRE(shipped);
  auto rules = shipped->rules();
  auto sources = shipped->sources();

  SECTION("rule names must be unique and not shadow a fixed message") {
    auto dup = rules;
    dup.push_back(dup.front());
    auto status = config::validate_templates(core::TemplateSet(dup, sources));
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, Catch::Contains("twice"));

    auto shadow = rules;
    shadow.back().name = "thank_you";
    status = config::validate_templates(core::TemplateSet(shadow, sources));
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, Catch::Contains("fixed message"));
  }
  SECTION("min_amount may not exceed max_amount") {
    rules.front().min_amount = 10;
    rules.front().max_amount = 5;
    auto status = config::validate_templates(core::TemplateSet(rules, sources));
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, Catch::Contains("min_amount"));
  }
  SECTION("locale folder names are lower-case language tags") {
    sources["Pt_BR"] = sources["es"];
    auto status = config::validate_templates(core::TemplateSet(rules, sources));
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, Catch::Contains("Pt_BR"));
  }
  SECTION("item variables are only known inside the items section") {
    sources["en"]["purchase"] = "Thanks for {{name}}";
    auto status = config::validate_templates(core::TemplateSet(rules, sources));
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, Catch::Contains("en/purchase.mustache"));

    sources["en"]["purchase"] = "Thanks for{{#items}} {{name}}{{/items}}";
    CHECK(config::validate_templates(core::TemplateSet(rules, sources)));
  }
  SECTION("an items section inside another is refused: it would cost items^depth to render") {
    sources["en"]["purchase"] = "{{#items}}{{name}}{{#items}}{{name}}{{/items}}{{/items}}";
    auto status = config::validate_templates(core::TemplateSet(rules, sources));
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message,
               Catch::Contains("en/purchase.mustache") && Catch::Contains("inside another"));
  }
  SECTION("UTF-8 must be well-formed: no overlong forms, surrogates or code points past U+10FFFF") {
    for (const std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                  "\xF5\x80\x80\x80", "\xE2\x82"}) {
      INFO(Catch::Detail::stringify(bad));
      sources["en"]["purchase"] = "Thanks " + bad;
      auto status = config::validate_templates(core::TemplateSet(rules, sources));
      REQUIRE_FALSE(status);
      CHECK_THAT(status.error().message, Catch::Contains("not valid UTF-8"));
    }
    sources["en"]["purchase"] = "Thanks \xE2\x82\xAC \xF0\x9F\x98\x80 \xED\x9F\xBF";  // € 😀 U+D7FF
    CHECK(config::validate_templates(core::TemplateSet(rules, sources)));
  }
}
