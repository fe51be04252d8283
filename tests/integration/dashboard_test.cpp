// The owner's dashboard against the real reviewbot process: login, session cookies,
// CSRF, throttling, and the review pages with hostile customer text.
#include <catch2/catch.hpp>
#include <regex>

#include "integration/browser.h"
#include "integration/deployment.h"

using namespace reviewbot::testing;

TEST_CASE("the dashboard asks for a login, refuses a wrong password and keeps a session",
          "[e2e][dashboard]") {
  Deployment d;
  Browser b(d.bot);
  auto first = b.get("/admin");
  REQUIRE(first);
  CHECK(first->status == 303);
  CHECK(first->get_header_value("Location") == "/admin/login");
  CHECK(first->get_header_value("X-Frame-Options") == "DENY");
  CHECK(first->get_header_value("Content-Security-Policy").find("default-src 'none'") !=
        std::string::npos);

  auto wrong = b.log_in("", "not-the-token");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(wrong->body.find("Wrong account or password") != std::string::npos);
  CHECK(b.set_cookie("rb_session").empty());

  auto right = b.log_in("", kAdmin);
  REQUIRE(right);
  CHECK(right->status == 303);
  CHECK(right->get_header_value("Location") == "/admin");
  const std::string cookie = b.set_cookie("rb_session");
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; SameSite=Lax") != std::string::npos);
  CHECK(cookie.find("; Path=/admin") != std::string::npos);
  CHECK(cookie.find("Secure") == std::string::npos);  // plain HTTP, no proxy

  auto overview = b.get("/admin");
  REQUIRE(overview);
  CHECK(overview->status == 200);
  CHECK(overview->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(overview->body.find("<h1>Overview</h1>") != std::string::npos);
  CHECK(overview->body.find("Log out admin") != std::string::npos);

  // Behind an HTTPS proxy (Heroku's router) the cookie is Secure.
  Browser secure(d.bot);
  secure.extra.emplace("X-Forwarded-Proto", "https");
  REQUIRE(secure.log_in("", kAdmin)->status == 303);
  CHECK(secure.set_cookie("rb_session").find("; Secure") != std::string::npos);
}

TEST_CASE("dashboard forms without the right CSRF token are refused", "[e2e][dashboard]") {
  Deployment d;
  Browser b(d.bot);
  // A login posted without the form's token (a cross-site form) is refused.
  auto forged = b.post("/admin/login", "account=&password=" + std::string(kAdmin));
  REQUIRE(forged);
  CHECK(forged->status == 403);
  CHECK(b.set_cookie("rb_session").empty());

  REQUIRE(b.log_in("", kAdmin)->status == 303);
  auto page = b.get("/admin");
  REQUIRE(page);
  const std::string token = b.csrf(page->body);
  auto bad_logout = b.post("/admin/logout", "csrf=0123");
  REQUIRE(bad_logout);
  CHECK(bad_logout->status == 403);
  CHECK(b.get("/admin")->status == 200);  // still logged in

  const std::string old_session = b.jar["rb_session"];
  REQUIRE_FALSE(old_session.empty());
  auto logout = b.post("/admin/logout", "csrf=" + token);
  REQUIRE(logout);
  CHECK(logout->status == 303);
  CHECK(b.get("/admin")->status == 303);
  // The old cookie no longer works, even if a browser kept it: the session is gone.
  Browser replay(d.bot);
  replay.jar["rb_session"] = old_session;
  CHECK(replay.get("/admin")->status == 303);
}

TEST_CASE("failed logins are throttled", "[e2e][dashboard]") {
  Deployment d;
  Browser b(d.bot);
  for (int i = 0; i < 5; ++i) REQUIRE(b.log_in("", "wrong-guess")->status == 401);
  auto locked = b.log_in("", kAdmin);
  REQUIRE(locked);
  CHECK(locked->status == 429);
  CHECK(locked->get_header_value("Retry-After") == "900");
  CHECK(b.set_cookie("rb_session").empty());
}

TEST_CASE("the review pages filter, export and escape what customers wrote", "[e2e][dashboard]") {
  Deployment d(std::map<std::string, std::string>{{"BUSINESS_NAME", "<b>Corner</b> & Co"}});
  const std::string hostile_name = "<img src=x onerror=alert(1)>";
  d.post_event(sale_event("evt-1", 2001, hostile_name, "T-1"), 202);
  answer_request(d, 2001, 1, "<script>alert(1)</script> cold coffee", 7001);
  d.post_event(sale_event("evt-2", 2002, "Bob", "T-2"), 202);
  answer_request(d, 2002, 5, "lovely", 7101);

  Browser b(d.bot);
  REQUIRE(b.log_in("", kAdmin)->status == 303);
  auto overview = b.get("/admin");
  REQUIRE(overview);
  CHECK(overview->body.find("<span class=\"figure\">2</span><span>responses</span>") !=
        std::string::npos);
  CHECK(overview->body.find("href=\"/admin/reviews?stars=1\"") != std::string::npos);
  // This week's column of the trend holds both answers (ratings 1 and 5).
  CHECK(overview->body.find(": 2 responses, average 3.0\"") != std::string::npos);

  auto all = b.get("/admin/reviews");
  REQUIRE(all);
  CHECK(all->status == 200);
  CHECK(all->body.find("lovely") != std::string::npos);
  CHECK(all->body.find("<script>alert") == std::string::npos);
  CHECK(all->body.find("<img src=x") == std::string::npos);
  CHECK(all->body.find("&lt;script&gt;alert(1)&lt;/script&gt; cold coffee") != std::string::npos);
  CHECK(all->body.find("<b>Corner</b>") == std::string::npos);
  CHECK(all->body.find("&lt;b&gt;Corner&lt;/b&gt; &amp; Co") != std::string::npos);

  auto unhappy = b.get("/admin/reviews?stars=le2");
  REQUIRE(unhappy);
  CHECK(unhappy->body.find("cold coffee") != std::string::npos);
  CHECK(unhappy->body.find("lovely") == std::string::npos);
  auto searched = b.get("/admin/reviews?q=LOVE");
  REQUIRE(searched);
  CHECK(searched->body.find("lovely") != std::string::npos);
  CHECK(searched->body.find("cold coffee") == std::string::npos);
  auto bad = b.get("/admin/reviews?to=yesterday");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.find("To must be a date") != std::string::npos);

  auto csv = b.get("/admin/reviews.csv?stars=le2");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(csv->body.rfind("\xEF\xBB\xBFid,rating,comment,", 0) == 0);
  CHECK(csv->body.find("cold coffee") != std::string::npos);
  CHECK(csv->body.find("lovely") == std::string::npos);
  // Delivery health: everything was sent, Telegram is up.
  auto health = b.get("/admin/delivery");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body.find("<span class=\"figure\">0</span><span>messages waiting to be sent") !=
        std::string::npos);
  CHECK(health->body.find("<span class=\"figure\">up</span><span>Telegram") != std::string::npos);
  // Without a session the export is not served; ADMIN_TOKEN as a bearer reads it too.
  Browser stranger(d.bot);
  CHECK(stranger.get("/admin/reviews.csv")->status == 303);
  stranger.extra.emplace("Authorization", "Bearer wrong-token");
  CHECK(stranger.get("/admin/reviews.csv")->status == 303);
  Browser script(d.bot);
  script.extra.emplace("Authorization", std::string("Bearer ") + kAdmin);
  auto scripted = script.get("/admin/reviews.csv?stars=le2");
  REQUIRE(scripted);
  CHECK(scripted->status == 200);
  CHECK(scripted->body == csv->body);
  // A bearer alone cannot post a form: it has no session and so no CSRF token.
  CHECK(script.post("/admin/accounts", "name=eve&password=long+enough+pw")->status == 403);
}

TEST_CASE("the admin adds a named account that logs in, and removing it ends its sessions",
          "[e2e][dashboard]") {
  Deployment d;
  Browser admin(d.bot);
  REQUIRE(admin.log_in("", kAdmin)->status == 303);
  auto page = admin.get("/admin/accounts");
  REQUIRE(page);
  CHECK(page->status == 200);
  const std::string token = admin.csrf(page->body);
  auto short_password = admin.post("/admin/accounts", "csrf=" + token + "&name=ann&password=short");
  REQUIRE(short_password);
  CHECK(short_password->status == 400);
  CHECK(short_password->body.find("at least 10 characters") != std::string::npos);
  auto forged = admin.post("/admin/accounts", "name=eve&password=long+enough+pw");
  REQUIRE(forged);
  CHECK(forged->status == 403);
  auto added = admin.post("/admin/accounts", "csrf=" + token + "&name=ann&password=long+enough+pw");
  REQUIRE(added);
  CHECK(added->status == 200);
  CHECK(added->body.find("Added ann.") != std::string::npos);
  CHECK(added->body.find("<li>eve") == std::string::npos);
  CHECK(added->body.find("<li>ann") != std::string::npos);

  Browser ann(d.bot);
  CHECK(ann.log_in("ann", "long+enough+pX")->status == 401);
  REQUIRE(ann.log_in("ann", "long+enough+pw")->status == 303);
  auto overview = ann.get("/admin");
  REQUIRE(overview);
  CHECK(overview->body.find("Log out ann") != std::string::npos);

  auto removed = admin.post("/admin/accounts/remove", "csrf=" + token + "&name=ann");
  REQUIRE(removed);
  CHECK(removed->status == 200);
  CHECK(ann.get("/admin")->status == 303);
  CHECK(ann.log_in("ann", "long+enough+pw")->status == 401);
}
