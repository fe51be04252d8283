#include "reviewbot/delivery/fallback.h"

#include <cctype>
#include <cstdint>

#include "reviewbot/core/templates.h"

namespace reviewbot::delivery {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the entity starting at html[pos] == '&'; returns the characters consumed, 0 when
// it is not an entity we know.
std::size_t decode_entity(std::string_view html, std::size_t pos, std::string& out) {
  const std::size_t end = html.find(';', pos);
  if (end == std::string_view::npos || end - pos > 10) return 0;
  const std::string_view name = html.substr(pos + 1, end - pos - 1);
  if (name == "lt") {
    out.push_back('<');
  } else if (name == "gt") {
    out.push_back('>');
  } else if (name == "amp") {
    out.push_back('&');
  } else if (name == "quot") {
    out.push_back('"');
  } else if (name == "apos") {
    out.push_back('\'');
  } else if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    uint32_t cp = 0;
    for (char c : digits) {
      const auto u = static_cast<unsigned char>(c);
      if (hex ? !std::isxdigit(u) : !std::isdigit(u)) return 0;
      const uint32_t d = std::isdigit(u) ? u - '0' : (std::tolower(u) - 'a' + 10);
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) return 0;
    }
    append_utf8(out, cp);
  } else {
    return 0;
  }
  return end - pos + 1;
}

}  // namespace

std::string html_to_plain_text(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    const char c = html[i];
    if (c == '<') {
      const std::size_t close = html.find('>', i);
      const bool tag =
          close != std::string_view::npos && i + 1 < html.size() &&
          (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/');
      if (tag) {
        i = close + 1;
        continue;
      }
    } else if (c == '&') {
      if (const std::size_t used = decode_entity(html, i, out)) {
        i += used;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::optional<core::MessageBody> as_plain_text(const core::MessageBody& body) {
  if (const auto* send = std::get_if<core::SendText>(&body); send && send->html) {
    core::SendText plain = *send;
    plain.html = false;
    plain.text = html_to_plain_text(send->text);
    if (!send->text_without_keyboard.empty()) {
      plain.text_without_keyboard = html_to_plain_text(send->text_without_keyboard);
    }
    return plain;
  }
  if (const auto* edit = std::get_if<core::EditText>(&body); edit && edit->html) {
    core::EditText plain = *edit;
    plain.html = false;
    plain.text = html_to_plain_text(edit->text);
    return plain;
  }
  return std::nullopt;
}

std::optional<core::MessageBody> without_keyboard(const core::MessageBody& body) {
  const auto* send = std::get_if<core::SendText>(&body);
  if (!send || send->keyboard.empty()) return std::nullopt;
  core::SendText bare = *send;
  bare.keyboard.clear();
  if (!bare.text_without_keyboard.empty()) bare.text = std::move(bare.text_without_keyboard);
  bare.text_without_keyboard.clear();
  for (const auto& row : send->keyboard) {
    for (const auto& button : row) {
      if (button.url.empty()) continue;
      bare.text += bare.text.empty() ? "" : "\n\n";
      bare.text += send->html ? "<a href=\"" + core::escape_html(button.url) + "\">" +
                                    core::escape_html(button.text) + "</a>"
                              : button.text + ": " + button.url;
    }
  }
  return bare;
}

}  // namespace reviewbot::delivery
