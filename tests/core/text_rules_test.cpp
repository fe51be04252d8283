#include "reviewbot/core/text_rules.h"

#include <catch2/catch.hpp>

using namespace reviewbot::core;

TEST_CASE("a thank-you note is recognised in every supported language", "[text_rules]") {
  SECTION("English") {
    for (const char* text :
         {"thanks!", "Thank you", "thank you so much", "THANKS A LOT",
          "Thanks, the coffee was great", "thx", "ty", "tysm", "Many thanks :)", "thankyou!!",
          "Really appreciate it", "  thanks  ", "Cheers", "Thanks 🙏"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("Russian") {
    for (const char* text : {"спасибо", "Спасибо!", "СПАСИБО БОЛЬШОЕ", "Большое спасибо!",
                             "спасибочки", "спс", "Благодарю", "Спасибо, всё было вкусно"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("Chinese") {
    for (const char* text :
         {"谢谢", "谢谢！", "谢谢你", "多谢", "非常感谢", "太感谢了", "谢啦", "谢谢，咖啡很不错"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("Spanish") {
    for (const char* text : {"gracias", "¡Gracias!", "Muchas gracias", "mil gracias",
                             "MUCHÍSIMAS GRACIAS", "Te lo agradezco"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("French") {
    for (const char* text :
         {"merci", "Merci !", "Merci beaucoup", "MERCI BIEN", "Je vous remercie"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("German") {
    for (const char* text :
         {"danke", "Danke!", "Danke schön", "Dankeschön", "Vielen Dank", "DANKE SEHR"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("Portuguese") {
    for (const char* text : {"obrigado", "Obrigada!", "Muito obrigado", "OBRIGADÃO", "valeu",
                             "Obrigado pelo atendimento no café"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
  SECTION("emoji") {
    for (const char* text : {"🙏", "🙏🙏", "❤️", "❤", "💖", "🥰", "😍 thank you"}) {
      INFO(text);
      CHECK(is_thank_you(text));
    }
  }
}

TEST_CASE("refusals, unrelated and long messages are not thank-you notes", "[text_rules]") {
  SECTION("refusals and negations") {
    for (const char* text : {"no thanks",
                             "No thanks!",
                             "no thank you",
                             "No, thank you.",
                             "thanks but no",
                             "Thanks, but no thanks",
                             "Thank you, but I'm not interested",
                             "nah thanks",
                             "thanks, not now",
                             "Thanks, I don't need anything",
                             "нет, спасибо",
                             "Нет спасибо",
                             "не надо, спасибо",
                             "спасибо, не надо",
                             "Спасибо, но нет",
                             "no, gracias",
                             "No gracias",
                             "gracias, pero no",
                             "non merci",
                             "Non, merci",
                             "merci, mais non",
                             "nein danke",
                             "Nein, danke!",
                             "danke, aber nein",
                             "danke, nicht nötig",
                             "não, obrigado",
                             "Não obrigada",
                             "obrigado, mas não",
                             "不用了，谢谢",
                             "不，谢谢",
                             "不用谢谢",
                             "谢谢，不用了",
                             "谢谢，不需要",
                             "stop, thanks",
                             "No 🙏"}) {
      INFO(text);
      CHECK_FALSE(is_thank_you(text));
    }
  }
  SECTION("messages without thanks") {
    for (const char* text : {"", "   ", "hello", "5", "When do you open?", "привет", "hola", "你好",
                             "Happy Thanksgiving", "stop", "/start", "👍"}) {
      INFO(text);
      CHECK_FALSE(is_thank_you(text));
    }
  }
  SECTION("over 80 characters, thanks is incidental") {
    const std::string long_text =
        "Thanks, but I wanted to ask whether you could change my order from Tuesday to "
        "Thursday afternoon";
    CHECK_FALSE(is_thank_you(long_text));
    CHECK(is_thank_you("thanks " + std::string(73, 'a')));        // 80 characters
    CHECK_FALSE(is_thank_you("thanks " + std::string(74, 'a')));  // 81 characters
  }
  SECTION("length counts characters, not bytes") {
    std::string cyrillic = "спасибо ";  // 8 characters, 15 bytes
    for (int i = 0; i < 72; ++i) cyrillic += "я";
    CHECK(is_thank_you(cyrillic));  // 80 characters, 159 bytes
  }
}

TEST_CASE("opt-out words are whole-message commands", "[text_rules]") {
  SECTION("recognised") {
    for (const char* text : {"/stop",
                             "stop",
                             "STOP",
                             "Stop!",
                             " stop. ",
                             "/stop@shop_bot",
                             "unsubscribe",
                             "Unsubscribe",
                             "opt out",
                             "стоп",
                             "СТОП",
                             "Отписаться",
                             "отписаться!",
                             "baja",
                             "darse de baja",
                             "Darme de baja",
                             "parar",
                             "arrêter",
                             "ARRÊTER",
                             "se désabonner",
                             "Désabonner",
                             "stopp",
                             "Abmelden",
                             "abbestellen",
                             "cancelar inscrição",
                             "CANCELAR INSCRIÇÃO",
                             "descadastrar",
                             "退订",
                             "取消订阅",
                             "停止"}) {
      INFO(text);
      CHECK(is_opt_out(text));
    }
  }
  SECTION("not opt-out") {
    for (const char* text :
         {"", "stop sending me coupons please, but keep reviews", "don't stop", "stopwatch",
          "/start", "bus stop", "thanks", "unsubscribed?!x", "стоп-кран", "cancelar", "退订了吗"}) {
      INFO(text);
      CHECK_FALSE(is_opt_out(text));
    }
  }
}

TEST_CASE("a typed rating is a digit 1-5 or that many stars", "[text_rules]") {
  SECTION("digits") {
    CHECK(parse_typed_rating("1") == 1);
    CHECK(parse_typed_rating("5") == 5);
    CHECK(parse_typed_rating("  3 \n") == 3);
    CHECK(parse_typed_rating("４") == 4);  // full-width
  }
  SECTION("stars") {
    CHECK(parse_typed_rating("★") == 1);
    CHECK(parse_typed_rating("★★★") == 3);
    CHECK(parse_typed_rating("⭐⭐⭐⭐") == 4);
    CHECK(parse_typed_rating("⭐️⭐️⭐️⭐️⭐️") ==
          5);  // with emoji presentation selectors
    CHECK(parse_typed_rating("★ ★ ★ ★") == 4);
    CHECK(parse_typed_rating(" ⭐ ⭐ ") == 2);
  }
  SECTION("anything else") {
    for (const char* text : {"", " ", "0", "6", "10", "3.5", "-1", "five", "3 stars", "★★★★★★",
                             "☆☆☆", "★a", "a", "55", "1 2"}) {
      INFO(text);
      CHECK_FALSE(parse_typed_rating(text));
    }
  }
}

TEST_CASE("a /start command yields its parameter", "[text_rules]") {
  CHECK(parse_start_command("/start") == std::string());
  CHECK(parse_start_command("/start abc_DEF-123") == std::string("abc_DEF-123"));
  CHECK(parse_start_command("  /start   xyz  ") == std::string("xyz"));
  CHECK(parse_start_command("/start@shop_bot") == std::string());
  CHECK(parse_start_command("/start@shop_bot xyz") == std::string("xyz"));
  CHECK(parse_start_command("/START") == std::string());
  CHECK_FALSE(parse_start_command("/started"));
  CHECK_FALSE(parse_start_command("/stop"));
  CHECK_FALSE(parse_start_command("start"));
  CHECK_FALSE(parse_start_command("please /start"));
  CHECK_FALSE(parse_start_command(""));
}

TEST_CASE("clean_name keeps a name on one line and in reading order", "[text_rules]") {
  CHECK(clean_name("Ann Lee") == "Ann Lee");
  CHECK(clean_name("  Ann \t\n Lee\r\n") == "Ann Lee");
  CHECK(clean_name("Ann\nTransaction: FAKE") == "Ann Transaction: FAKE");
  CHECK(clean_name(std::string("A\0n\x01n", 5)) == "Ann");
  CHECK(clean_name("\u202Egnp.exe\u202C") == "gnp.exe");      // RLO ... PDF
  CHECK(clean_name("x\u2066y\u2069\u200Fz\u061C") == "xyz");  // isolates, RLM, ALM
  CHECK(clean_name("line\u2028two\u0085three") == "line two three");
  CHECK(clean_name("Анна 李 😀") == "Анна 李 😀");
  CHECK(clean_name("").empty());
}
