// The dashboard's static files: its stylesheet (/admin/style.css: phone-first, the review
// table becomes cards below 40rem) and icon (/admin/icon.svg). Constant; thread-safe.
#pragma once

#include <string>

namespace reviewbot::admin {

const std::string& stylesheet();
const std::string& icon_svg();

}  // namespace reviewbot::admin
