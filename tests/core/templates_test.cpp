#include "reviewbot/core/templates.h"

#include <catch2/catch.hpp>
#include <set>

using namespace reviewbot::core;

namespace {

using Sources = std::map<std::string, std::map<std::string, std::string>>;

TemplateSet::Rule rule(std::string name, Trigger trigger = Trigger::kTransactionCompleted) {
  TemplateSet::Rule r;
  r.name = std::move(name);
  r.trigger = trigger;
  return r;
}

TemplateSet sample_set() {
  auto coffee = rule("coffee");
  coffee.categories = {"Coffee"};
  coffee.variants = {"a", "b"};
  auto big = rule("big");
  big.min_amount = 100;
  big.max_amount = 500;
  Sources sources = {
      {"en",
       {{"coffee.a", "Coffee A {{customer_name}}"},
        {"coffee.b", "Coffee B {{customer_name}}"},
        {"big", "Big {{amount}} {{currency}}"},
        {"purchase", "Hi{{#customer_name}} {{customer_name}}{{/customer_name}}!"},
        {"thanks_reply", "You're welcome"},
        {"thank_you", "Thanks{{#review_url}} review{{/review_url}}"},
        {"rating_ack", "{{#stars}}You rated us {{stars}}{{/stars}}"}}},
      {"pt", {{"thank_you", "Obrigado"}}},
      {"pt-br", {{"purchase", "Oi!"}}},
      {"ru", {{"thank_you", "Спасибо"}, {"coffee.a", "Кофе А"}}},
  };
  return TemplateSet({coffee, big, rule("purchase"), rule("thanks_reply", Trigger::kThankYou)},
                     sources);
}

RequestFacts facts(std::vector<TransactionItem> items = {}, std::optional<double> amount = {}) {
  RequestFacts f;
  f.items = std::move(items);
  f.amount = amount;
  return f;
}

}  // namespace

TEST_CASE("the first rule matching trigger, category and amount is chosen", "[templates]") {
  const TemplateSet set = sample_set();

  SECTION("a category matches case-insensitively when any item has it") {
    auto choice = set.choose_request(facts({{"Bagel", "bakery"}, {"Latte", "COFFEE"}}));
    REQUIRE(choice);
    CHECK(choice->name == "coffee");
  }
  SECTION("amount bounds are inclusive") {
    CHECK(set.choose_request(facts({}, 100.0))->name == "big");
    CHECK(set.choose_request(facts({}, 500.0))->name == "big");
    CHECK(set.choose_request(facts({}, 99.99))->name == "purchase");
    CHECK(set.choose_request(facts({}, 500.01))->name == "purchase");
  }
  SECTION("a rule with an amount bound does not match an event without an amount") {
    CHECK(set.choose_request(facts())->name == "purchase");
  }
  SECTION("rules are tried in file order") {
    CHECK(set.choose_request(facts({{"Latte", "coffee"}}, 200.0))->name == "coffee");
  }
  SECTION("the thank-you trigger only matches thank-you rules") {
    RequestFacts f;
    f.trigger = Trigger::kThankYou;
    auto choice = set.choose_request(f);
    REQUIRE(choice);
    CHECK(choice->name == "thanks_reply");
    CHECK(choice->variant.empty());
  }
  SECTION("no matching rule gives nothing") {
    TemplateSet only_coffee({sample_set().rules()[0]}, {});
    CHECK_FALSE(only_coffee.choose_request(facts({{"Bagel", "bakery"}})));
  }
}

TEST_CASE("the A/B variant is stable per customer and both variants are used", "[templates]") {
  const TemplateSet set = sample_set();
  auto f = facts({{"Latte", "coffee"}});
  std::set<std::string> seen;
  for (int64_t key = 1; key <= 50; ++key) {
    f.customer_key = key;
    const auto first = set.choose_request(f);
    const auto again = set.choose_request(f);
    REQUIRE(first);
    CHECK(first->variant == again->variant);
    seen.insert(first->variant);
  }
  CHECK(seen == std::set<std::string>{"a", "b"});
}

TEST_CASE("locales fall back from exact to language to English", "[templates]") {
  const TemplateSet set = sample_set();
  RenderVars vars;

  SECTION("resolve_locale") {
    CHECK(set.resolve_locale("pt-br") == "pt-br");
    CHECK(set.resolve_locale("pt_BR") == "pt-br");
    CHECK(set.resolve_locale("pt-pt") == "pt");
    CHECK(set.resolve_locale("RU") == "ru");
    CHECK(set.resolve_locale("de") == "en");
    CHECK(set.resolve_locale("") == "en");
  }
  SECTION("a fixed message falls back per message") {
    CHECK(set.render("thank_you", "pt-br", vars).value() == "Obrigado");
    CHECK(set.render("purchase", "pt-br", vars).value() == "Oi!");
    CHECK(set.render("thanks_reply", "pt-br", vars).value() == "You're welcome");
    CHECK(set.render("thank_you", "de", vars).value() == "Thanks");
    CHECK(set.render("thank_you", "", vars).value() == "Thanks");
  }
  SECTION("a request choice reports the locale that defines its template") {
    auto f = facts({{"Latte", "coffee"}});
    f.locale = "ru";
    for (int64_t key = 1; key < 20; ++key) {
      f.customer_key = key;
      auto choice = set.choose_request(f);
      REQUIRE(choice);
      CHECK(choice->locale == (choice->variant == "a" ? "ru" : "en"));
      auto text = set.render_request(*choice, vars);
      REQUIRE(text);
      CHECK(*text == (choice->variant == "a" ? "Кофе А" : "Coffee B"));
    }
  }
  SECTION("a message no locale defines is an error") {
    auto text = set.render("nope", "en", vars);
    REQUIRE_FALSE(text);
    CHECK_THAT(text.error().message, Catch::Contains("nope"));
  }
}

TEST_CASE("rendering fills variables and hides missing ones", "[templates]") {
  Sources sources = {{"en",
                      {{"all",
                        "{{business_name}}|{{customer_name}}|{{#items}}[{{name}}/{{category}}]"
                        "{{/items}}|{{amount}} {{currency}}|{{transaction_id}}|{{rating}} "
                        "{{stars}}|{{comment}}|{{review_url}}"},
                       {"sections",
                        "{{#customer_name}}name {{/customer_name}}{{^items}}no-items "
                        "{{/items}}{{^amount}}no-amount {{/amount}}{{^rating}}no-rating "
                        "{{/rating}}{{^comment}}no-comment {{/comment}}{{^review_url}}no-url"
                        "{{/review_url}}"},
                       {"broken", "{{#items}}unclosed"}}}};
  const TemplateSet set({}, sources);

  SECTION("every variable") {
    RenderVars v;
    v.business_name = "Shop";
    v.customer_name = "Ann";
    v.items = {{"Latte", "coffee"}, {"Bagel", "bakery"}};
    v.amount = 42.5;
    v.currency = "USD";
    v.transaction_id = "T-1";
    v.rating = 3;
    v.comment = "Nice";
    v.review_url = "https://r.test";
    CHECK(set.render("all", "en", v).value() ==
          "Shop|Ann|[Latte/coffee][Bagel/bakery]|42.50 USD|T-1|3 ★★★☆☆|Nice|https://r.test");
  }
  SECTION("amounts always have two decimals") {
    RenderVars v;
    v.amount = 7;
    CHECK_THAT(set.render("all", "en", v).value(), Catch::Contains("|7.00 |"));
  }
  SECTION("missing optional values are empty and their sections false") {
    RenderVars v;
    CHECK(set.render("all", "en", v).value() == "||| || ||");
    CHECK(set.render("sections", "en", v).value() ==
          "no-items no-amount no-rating no-comment no-url");
  }
  SECTION("an empty comment counts as missing") {
    RenderVars v;
    v.comment = "";
    CHECK_THAT(set.render("sections", "en", v).value(), Catch::Contains("no-comment"));
  }
  SECTION("a template without tags is its own text, trimmed, whatever the variables") {
    const TemplateSet plain({},
                            {{"en", {{"hint", "\n  Or type a digit <b>1-5</b> & send it.  \n"}}}});
    RenderVars v;
    v.customer_name = "Ann";
    for (int i = 0; i < 2; ++i) {
      CHECK(plain.render("hint", "en", v).value() == "Or type a digit <b>1-5</b> & send it.");
    }
  }
  SECTION("a Mustache error becomes an Error naming the template") {
    auto text = set.render("broken", "en", RenderVars{});
    REQUIRE_FALSE(text);
    CHECK_THAT(text.error().message, Catch::Contains("en/broken.mustache"));
  }
}

TEST_CASE("customer text is escaped for Telegram HTML", "[templates]") {
  SECTION("escape_html uses only entities Telegram knows") {
    CHECK(escape_html("<b>Ann & \"Bob\"'s</b>") ==
          "&lt;b&gt;Ann &amp; &quot;Bob&quot;&#39;s&lt;/b&gt;");
    CHECK(escape_html("plain ★ текст") == "plain ★ текст");
  }
  SECTION("a customer name renders escaped, never as markup") {
    const TemplateSet set({}, {{"en", {{"hi", "Hi <b>{{customer_name}}</b>"}}}});
    RenderVars v;
    v.customer_name = "<b>Ann & \"Bob\"'s</b>";
    CHECK(set.render("hi", "en", v).value() ==
          "Hi <b>&lt;b&gt;Ann &amp; &quot;Bob&quot;&#39;s&lt;/b&gt;</b>");
  }
  SECTION("item names are escaped too") {
    const TemplateSet set({}, {{"en", {{"items", "{{#items}}{{name}};{{/items}}"}}}});
    RenderVars v;
    v.items = {{"Tea & <cake>", "x"}};
    CHECK(set.render("items", "en", v).value() == "Tea &amp; &lt;cake&gt;;");
  }
}
