#include "mock_platform/telegram_html.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <vector>

#include "mock_platform/utf8.h"

namespace mock_platform {

namespace {

constexpr std::array<std::string_view, 16> kTags = {
    "b",   "strong", "i", "em",   "u",   "ins",        "s",          "strike",
    "del", "span",   "a", "code", "pre", "blockquote", "tg-spoiler", "tg-emoji"};

ApiError entity_error(const std::string& reason) {
  return bad_request("can't parse entities: " + reason);
}

std::string at(std::size_t offset) { return " at byte offset " + std::to_string(offset); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Decodes the character entity starting at s[i] == '&' into `out`, advancing `i` past ';'.
Status decode_entity(std::string_view s, std::size_t& i, std::string& out) {
  const std::size_t begin = i;
  const std::size_t semi = s.find(';', i);
  const auto fail = [&] {
    return entity_error("Unsupported character entity" + at(begin) + "; escape '&' as &amp;");
  };
  if (semi == std::string_view::npos || semi - i > 10) return fail();
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  if (name == "lt") {
    out += '<';
  } else if (name == "gt") {
    out += '>';
  } else if (name == "amp") {
    out += '&';
  } else if (name == "quot") {
    out += '"';
  } else if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return fail();
    std::uint32_t cp = 0;
    for (char c : digits) {
      const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c))
                        ? (std::tolower(c) - 'a' + 10)
                        : -1;
      if (v < 0) return fail();
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      if (cp > 0x10FFFF) return fail();
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return fail();
    append_utf8(out, cp);
  } else {
    return fail();
  }
  i = semi + 1;
  return Ok{};
}

// Parses attributes of a start tag from s[i] up to and including '>'.
Result<std::map<std::string, std::string>> parse_attributes(std::string_view s, std::size_t& i,
                                                            std::size_t tag_begin) {
  std::map<std::string, std::string> attrs;
  const auto unclosed = [&] { return entity_error("Unclosed start tag" + at(tag_begin)); };
  for (;;) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) return unclosed();
    if (s[i] == '>') {
      ++i;
      return attrs;
    }
    const std::size_t name_begin = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '=' && s[i] != '>') ++i;
    if (i >= s.size()) return unclosed();
    std::string name = lower(s.substr(name_begin, i - name_begin));
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) return unclosed();
    std::string value;
    if (s[i] == '=') {
      ++i;
      while (i < s.size() && is_space(s[i])) ++i;
      if (i >= s.size()) return unclosed();
      if (s[i] == '"' || s[i] == '\'') {
        const char quote = s[i++];
        while (i < s.size() && s[i] != quote) {
          if (s[i] == '&') {
            if (auto st = decode_entity(s, i, value); !st) return st.error();
          } else {
            value += s[i++];
          }
        }
        if (i >= s.size()) return unclosed();
        ++i;
      } else {
        while (i < s.size() && !is_space(s[i]) && s[i] != '>') value += s[i++];
      }
    }
    attrs[std::move(name)] = std::move(value);
  }
}

}  // namespace

Result<std::string> parse_telegram_html(std::string_view s) {
  std::string plain;
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '&') {
      if (auto st = decode_entity(s, i, plain); !st) return st.error();
      continue;
    }
    if (c != '<') {
      plain += c;
      ++i;
      continue;
    }
    const std::size_t begin = i++;
    if (i < s.size() && s[i] == '/') {
      const std::size_t end = s.find('>', i);
      if (end == std::string_view::npos) return entity_error("Unclosed end tag" + at(begin));
      std::string name = lower(s.substr(i + 1, end - i - 1));
      while (!name.empty() && is_space(name.back())) name.pop_back();
      i = end + 1;
      if (open.empty()) return entity_error("Unexpected end tag" + at(begin));
      if (name != open.back()) {
        return entity_error("Unmatched end tag" + at(begin) + ", expected \"</" + open.back() +
                            ">\", found \"</" + name + ">\"");
      }
      open.pop_back();
      continue;
    }
    const std::size_t name_begin = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '>') ++i;
    if (i >= s.size()) return entity_error("Unclosed start tag" + at(begin));
    std::string name = lower(s.substr(name_begin, i - name_begin));
    if (std::find(kTags.begin(), kTags.end(), name) == kTags.end()) {
      return entity_error("Unsupported start tag \"" + name + "\"" + at(begin));
    }
    auto attrs = parse_attributes(s, i, begin);
    if (!attrs) return attrs.error();
    if (name == "span" && attrs->count("class") == 0) {
      return entity_error("Tag \"span\" must have class \"tg-spoiler\"" + at(begin));
    }
    if (name == "span" && attrs->at("class") != "tg-spoiler") {
      return entity_error("Tag \"span\" must have class \"tg-spoiler\"" + at(begin));
    }
    if (name == "tg-emoji" && attrs->count("emoji-id") == 0) {
      return entity_error("Custom emoji entity must contain a tg://emoji URL" + at(begin));
    }
    open.push_back(std::move(name));
  }
  if (!open.empty()) {
    return entity_error("Can't find end tag corresponding to start tag \"" + open.back() + "\"");
  }
  return plain;
}

}  // namespace mock_platform
