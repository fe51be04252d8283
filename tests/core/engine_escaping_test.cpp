#include "core/engine_fixture.h"

using namespace reviewbot::core;
using namespace reviewbot::testing;
using Kind = MessageKind;

TEST_CASE("customer-supplied text reaches the HTML messages escaped", "[engine][escaping]") {
  EngineFixture f;
  const std::string name = "<b>Ann & \"Co\"</b>";
  const std::string escaped = "&lt;b&gt;Ann &amp; &quot;Co&quot;&lt;/b&gt;";

  SECTION("a name from a sale event in the request") {
    auto e = sale("evt-1", kChat);
    e.customer_name = name;
    const auto d = f.decide(e, Snapshot{});
    const auto& request = text_of(only(d, Kind::kRequest));
    CHECK(request.html);
    CHECK(request.text == "How was it, " + escaped + "?");
  }
  SECTION("a name from Telegram and a comment in the owner's alert") {
    auto customer = stored_customer();
    customer.name = name;
    auto m = text_from(kChat, "<i>cold</i> & late");
    m.from_name = name;
    const auto d = f.decide(m, with(customer, awaiting_comment(f.now, 1)));
    CHECK(text_of(only(d, Kind::kOwnerAlert)).text ==
          "Rating 1 from " + escaped + ": [&lt;i&gt;cold&lt;/i&gt; &amp; late]");
    REQUIRE(d.conversation);
    CHECK(d.conversation->comment == std::optional<std::string>("<i>cold</i> & late"));
  }
}
