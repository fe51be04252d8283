// The owner's side against the real reviewbot process: the owner deep link connects a
// chat for alerts, a low rating's alert carries what the owner needs, customers' own
// messages reach the inbox, the owner's replies reach the customer, and every owner page
// escapes what customers wrote.
#include <catch2/catch.hpp>
#include <regex>

#include "integration/browser.h"
#include "integration/deployment.h"

using namespace reviewbot::testing;

namespace {

std::string match(const std::string& html, const std::string& pattern) {
  std::smatch m;
  INFO(pattern);
  REQUIRE(std::regex_search(html, m, std::regex(pattern)));
  return m[1];
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The form fields of the first reply form on a page, for posting a reply.
std::string reply_form(const std::string& html, const std::string& text) {
  const std::string form = html.substr(html.find("action=\"/admin/inbox/reply\""));
  return "csrf=" + match(form, "name=\"csrf\" value=\"([0-9a-f]+)\"") +
         "&kind=" + match(form, "name=\"kind\" value=\"([a-z]+)\"") +
         "&id=" + match(form, "name=\"id\" value=\"([0-9]+)\"") +
         "&key=" + match(form, "name=\"key\" value=\"([0-9a-f]+)\"") +
         "&back=" + url_encode(match(form, "name=\"back\" value=\"([^\"]+)\"")) +
         "&text=" + url_encode(text);
}

nlohmann::json sale_with_details(const std::string& id, int64_t chat) {
  auto event = sale_event(id, chat, "Ann Smith", "T-" + id);
  event["customer"]["external_id"] = "C-77";
  event["transaction"]["amount"] = 42.5;
  event["transaction"]["items"] = {{{"name", "Latte"}, {"category", "coffee"}},
                                   {{"name", "Bagel"}, {"category", "bakery"}}};
  return event;
}

}  // namespace

TEST_CASE(
    "the owner deep link connects the owner's chat, which gets the alerts with the "
    "shop's name for the customer, items and amount",
    "[e2e][owner]") {
  constexpr int64_t kOwnerPhone = 4242;
  Deployment d({{"OWNER_CHAT_ID", ""}, {"PUBLIC_URL", "https://shop.example"}});
  Browser b(d.bot);
  REQUIRE(b.log_in("", kAdmin)->status == 303);
  auto alerts = b.get("/admin/alerts");
  REQUIRE(alerts);
  CHECK(alerts->status == 200);
  CHECK(alerts->body.find("No chat gets alerts yet") != std::string::npos);
  const std::string parameter = match(alerts->body, "<code>/start ([A-Za-z0-9_-]{24})</code>");
  CHECK(alerts->body.find("https://t.me/test_review_bot?start=" + parameter) != std::string::npos);

  d.send_update(text_message(8001, kOwnerPhone, "/start " + parameter, "Olga"));
  const auto confirmation = d.api.wait_for_messages(kOwnerPhone, 1);
  REQUIRE(confirmation.size() == 1);
  CHECK(confirmation[0].params["text"].get<std::string>().find("Connected") != std::string::npos);
  CHECK(b.get("/admin/alerts")->body.find("Chat 4242") != std::string::npos);

  // The owner's own chat is never asked for a review.
  CHECK(d.post_event(sale_event("evt-owner", kOwnerPhone), 202)["reason"] == "owner_chat");

  // A customer rates 1 and comments; the alert names the customer as the shop knows them.
  d.post_event(sale_with_details("evt-1", 2001), 202);
  answer_request(d, 2001, 1, "Cold <b>coffee</b>", 8101);
  REQUIRE(d.api.wait_for_messages(kOwnerPhone, 2).size() == 2);
  const std::string alert = d.api.messages_to(kOwnerPhone)[1].params["text"];
  INFO(alert);
  CHECK(alert.find("Ann Smith (C-77)") != std::string::npos);
  CHECK(alert.find("Telegram: Ann") != std::string::npos);
  CHECK(alert.find("42.50 USD") != std::string::npos);
  CHECK(alert.find("• Latte") != std::string::npos);
  CHECK(alert.find("• Bagel") != std::string::npos);
  CHECK(alert.find("Cold &lt;b&gt;coffee&lt;/b&gt;") != std::string::npos);
  CHECK(alert.find("href=\"https://shop.example/admin/review?id=") != std::string::npos);
  // The chat update did not rename the customer: the shop's name stays first.
  const auto reviews = d.get_json("/v1/reviews");
  REQUIRE(reviews["reviews"].size() == 1);
  CHECK(reviews["reviews"][0]["customer"]["name"] == "Ann Smith");
  CHECK(reviews["reviews"][0]["customer"]["telegram_name"] == "Ann");

  // /stop in the owner's chat ends its alerts; the page shows it.
  d.send_update(text_message(8201, kOwnerPhone, "/stop", "Olga"));
  REQUIRE(d.api.wait_for_messages(kOwnerPhone, 3).size() == 3);
  CHECK(b.get("/admin/alerts")->body.find("No chat gets alerts yet") != std::string::npos);
}

TEST_CASE("a customer's own message reaches the inbox and the owner's reply reaches the customer",
          "[e2e][owner]") {
  constexpr int64_t kCustomer = 3001;
  Deployment d;
  d.send_update(text_message(9001, kCustomer, "Are you open on <Sunday>?", "Bea"));

  Browser b(d.bot);
  REQUIRE(b.log_in("", kAdmin)->status == 303);
  auto inbox = b.get("/admin/inbox");
  REQUIRE(inbox);
  CHECK(inbox->status == 200);
  CHECK(inbox->body.find("Are you open on &lt;Sunday&gt;?") != std::string::npos);
  CHECK(inbox->body.find("<strong>Bea</strong>") != std::string::npos);

  const std::string form = reply_form(inbox->body, "Yes, 10 to 4 & welcome!");
  auto sent = b.post("/admin/inbox/reply", form);
  REQUIRE(sent);
  CHECK(sent->status == 303);
  CHECK(sent->get_header_value("Location") == "/admin/inbox?done=sent");
  const auto replies = d.api.wait_for_messages(kCustomer, 1);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].params["text"] == "Yes, 10 to 4 & welcome!");
  CHECK_FALSE(replies[0].params.contains("parse_mode"));  // plain text, as typed

  // The same form sent again (a double click, a retried POST) replies once.
  REQUIRE(b.post("/admin/inbox/reply", form)->status == 303);
  REQUIRE(
      b.post("/admin/inbox/reply", reply_form(b.get("/admin/inbox")->body, "And on Monday from 8."))
          ->status == 303);
  REQUIRE(d.api.wait_for_messages(kCustomer, 2).size() == 2);
  const auto all = d.api.messages_to(kCustomer);
  REQUIRE(all.size() == 2);
  CHECK(all[1].params["text"] == "And on Monday from 8.");
  auto after = b.get("/admin/inbox?done=sent");
  CHECK(after->body.find("Reply queued") != std::string::npos);
  CHECK(after->body.find("You replied: Yes, 10 to 4 &amp; welcome!") != std::string::npos);

  // A forged form (no session's CSRF token) sends nothing.
  Browser stranger(d.bot);
  stranger.extra.emplace("Authorization", std::string("Bearer ") + kAdmin);
  CHECK(stranger.post("/admin/inbox/reply", "kind=message&id=1&key=abc&text=hi")->status == 403);
  CHECK(b.post("/admin/inbox/reply", "kind=message&id=1&key=abc&text=hi")->status == 403);

  // Mark handled: it leaves the inbox.
  const std::string handled_form = after->body.substr(after->body.find("/admin/inbox/handled"));
  auto handled =
      b.post("/admin/inbox/handled",
             "csrf=" + match(handled_form, "name=\"csrf\" value=\"([0-9a-f]+)\"") +
                 "&kind=message&id=" + match(handled_form, "name=\"id\" value=\"([0-9]+)\""));
  REQUIRE(handled);
  CHECK(handled->status == 303);
  auto empty = b.get("/admin/inbox");
  CHECK(empty->body.find("Nothing to handle") != std::string::npos);
  CHECK(empty->body.find("Sunday") == std::string::npos);
}

TEST_CASE("a low rating waits in the inbox; its page shows the timeline and takes a reply",
          "[e2e][owner]") {
  Deployment d(std::map<std::string, std::string>{{"BUSINESS_NAME", "<b>Corner</b> & Co"}});
  const std::string hostile = "<img src=x onerror=alert(1)>";
  d.post_event(sale_event("evt-1", 2001, hostile, "T-1"), 202);
  answer_request(d, 2001, 2, "<script>alert(1)</script> too slow", 7001);
  d.post_event(sale_event("evt-2", 2002, "Bob", "T-2"), 202);
  answer_request(d, 2002, 5, "lovely", 7101);

  Browser b(d.bot);
  REQUIRE(b.log_in("", kAdmin)->status == 303);
  // Every owner page escapes the customer's name, comment and the shop's name.
  for (const char* path :
       {"/admin", "/admin/inbox", "/admin/reviews", "/admin/review?id=1", "/admin/templates",
        "/admin/delivery", "/admin/alerts", "/admin/accounts"}) {
    INFO(path);
    auto page = b.get(path);
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("<script>alert") == std::string::npos);
    CHECK(page->body.find("<img src=x") == std::string::npos);
    CHECK(page->body.find("<b>Corner</b>") == std::string::npos);
  }
  auto inbox = b.get("/admin/inbox");
  CHECK(inbox->body.find("&lt;script&gt;alert(1)&lt;/script&gt; too slow") != std::string::npos);
  CHECK(inbox->body.find("lovely") == std::string::npos);  // 5 stars need no handling

  auto review = b.get("/admin/review?id=1");
  REQUIRE(review);
  CHECK(review->body.find("Review request") != std::string::npos);
  CHECK(review->body.find("Thank-you") != std::string::npos);
  CHECK(review->body.find("Owner alert") != std::string::npos);
  CHECK(review->body.find("&lt;img src=x onerror=alert(1)&gt; rated ★★☆☆☆") != std::string::npos);
  CHECK(review->body.find("42.50 USD") != std::string::npos);
  CHECK(review->body.find("not handled yet") != std::string::npos);

  auto replied =
      b.post("/admin/inbox/reply", reply_form(review->body, "So sorry, next one is on us"));
  REQUIRE(replied);
  CHECK(replied->status == 303);
  CHECK(replied->get_header_value("Location") == "/admin/review?id=1&done=sent");
  REQUIRE(d.api.wait_for_messages(2001, 4).size() == 4);
  CHECK(d.api.messages_to(2001)[3].params["text"] == "So sorry, next one is on us");
  auto timeline = b.get("/admin/review?id=1");
  CHECK(timeline->body.find("Your reply") != std::string::npos);
  CHECK(timeline->body.find("So sorry, next one is on us") != std::string::npos);
  CHECK(b.get("/admin/review?id=99")->status == 404);
  CHECK(b.get("/admin/review?id=x")->status == 400);

  // The templates page shows the variant that asked, with its figures.
  auto templates = b.get("/admin/templates");
  REQUIRE(templates);
  CHECK(templates->body.find("id=\"t-purchase\"") != std::string::npos);
  CHECK(templates->body.find("<td data-label=\"Requests sent\">2</td><td data-label=\"Responses\">"
                             "2</td><td data-label=\"Response rate\">100 %</td><td "
                             "data-label=\"Average\">3.50 ★</td>") != std::string::npos);
}

TEST_CASE("a reply to a customer who opted out is refused with the reason", "[e2e][owner]") {
  Deployment d;
  d.send_update(text_message(9101, 3101, "hello there", "Cy"));
  d.send_update(text_message(9102, 3101, "/stop", "Cy"));
  REQUIRE(d.api.wait_for_messages(3101, 1).size() == 1);  // the opt-out confirmation
  Browser b(d.bot);
  REQUIRE(b.log_in("", kAdmin)->status == 303);
  auto refused = b.post("/admin/inbox/reply", reply_form(b.get("/admin/inbox")->body, "hi"));
  REQUIRE(refused);
  CHECK(refused->status == 409);
  CHECK(refused->body.find("said /stop") != std::string::npos);
  CHECK(d.api.messages_to(3101).size() == 1);
}

TEST_CASE("a login link logs in once", "[e2e][owner]") {
  Deployment d;
  auto client = d.bot.client();
  auto refused = client.Post("/v1/login_links", "", "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  auto made = client.Post("/v1/login_links", {{"Authorization", std::string("Bearer ") + kAdmin}},
                          "", "application/json");
  REQUIRE(made);
  REQUIRE(made->status == 201);
  const auto link = nlohmann::json::parse(made->body);
  const std::string path = link["path"];
  CHECK(path.rfind("/admin/login/link?token=", 0) == 0);
  CHECK(link["expires_in_seconds"] == 600);

  Browser b(d.bot);
  auto used = b.get(path);
  REQUIRE(used);
  CHECK(used->status == 303);
  CHECK(used->get_header_value("Location") == "/admin");
  CHECK(b.get("/admin")->body.find("Log out admin") != std::string::npos);

  Browser again(d.bot);
  auto twice = again.get(path);
  REQUIRE(twice);
  CHECK(twice->status == 401);
  CHECK(twice->body.find("expired or was used") != std::string::npos);
  // The link's token is no session cookie.
  again.jar["rb_session"] = path.substr(path.find('=') + 1);
  CHECK(again.get("/admin")->status == 303);
}
