#include "reviewbot/admin/assets.h"

namespace reviewbot::admin {
namespace {

constexpr const char* kStylesheet = R"css(*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f5f6f8}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.75rem 1rem;background:#1d2430;color:#fff}
header a{color:#fff}
.brand{font-weight:600;margin-right:auto}
nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem}
nav a[aria-current]{text-decoration-thickness:3px}
.logout{margin:0}
button{font:inherit;padding:.45rem .9rem;border:1px solid #1d2430;border-radius:6px;background:#fff;color:#1d2430;cursor:pointer}
header button{border-color:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem}
a{color:#0b57d0}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f2b01e;outline-offset:2px}
button.secondary{border-color:#8a93a3;color:#3c4656}
.button{display:inline-block;padding:.55rem 1rem;border-radius:6px;background:#0b57d0;color:#fff;text-decoration:none;font-weight:600}
textarea{font:inherit;padding:.4rem;border:1px solid #8a93a3;border-radius:6px;width:100%;resize:vertical}
blockquote{margin:.4rem 0;padding:.5rem .75rem;background:#f5f6f8;border-left:4px solid #8a93a3;overflow-wrap:anywhere;white-space:pre-wrap}
.inbox{list-style:none;padding:0;margin:0}
.inbox-item{background:#fff;border-radius:8px;padding:.75rem 1rem;margin-bottom:.75rem}
.inbox-item .meta{margin:0 0 .25rem}
.tag{background:#e8f0fe;color:#0b57d0;border-radius:4px;padding:.05rem .4rem;font-size:.85rem}
.reply{margin:.3rem 0;color:#188038;overflow-wrap:anywhere}
.reply-form{display:flex;flex-direction:column;gap:.35rem;margin:.5rem 0}
.reply-form button{align-self:flex-start}
.handled-form{margin:.25rem 0 0}
.big{font-size:1.8rem;margin:0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:#fff;border-radius:8px;padding:.75rem 1rem}
.facts dt{color:#5f6b7a}
.facts dd{margin:0;overflow-wrap:anywhere}
.timeline{list-style:none;padding:0;border-left:3px solid #d0d4da;margin-left:.5rem}
.timeline li{position:relative;padding:.35rem 0 .35rem 1rem}
.timeline li::before{content:"";position:absolute;left:-.5rem;top:.75rem;width:.7rem;height:.7rem;border-radius:50%;background:#0b57d0}
.timeline li.failed::before{background:#c5221f}
.timeline li.pending::before{background:#b36b00}
.timeline li.cancelled::before{background:#8a93a3}
.timeline li.customer::before{background:#188038}
.timeline .status{color:#5f6b7a;font-size:.9rem}
.timeline li.failed .status{color:#c5221f}
.said{margin-top:.2rem;padding:.4rem .6rem;background:#fff;border-radius:6px;overflow-wrap:anywhere;white-space:pre-wrap}
.template{margin-bottom:1.5rem}
.previews{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.5rem;margin:.5rem 0}
.previews summary{cursor:pointer;font-weight:600}
.bubble{background:#e3f2d9;border-radius:12px 12px 12px 2px;padding:.6rem .8rem;margin-top:.35rem;overflow-wrap:anywhere}
.bubble.failed{background:#fde7e9}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem}
.card{background:#fff;border-radius:8px;padding:.9rem;display:flex;flex-direction:column}
.figure{font-size:1.8rem;font-weight:600}
.login{display:flex;flex-direction:column;gap:.4rem;max-width:22rem;background:#fff;padding:1rem;border-radius:8px}
input,select{font:inherit;padding:.4rem;border:1px solid #8a93a3;border-radius:6px;max-width:100%}
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin-bottom:1rem}
.filters label{display:flex;flex-direction:column;font-size:.9rem}
.error{background:#fde7e9;border-left:4px solid #c5221f;padding:.5rem .75rem}
.notice{background:#e6f4ea;border-left:4px solid #188038;padding:.5rem .75rem}
.accounts{list-style:none;padding:0;max-width:30rem}
.accounts li{display:flex;justify-content:space-between;align-items:center;background:#fff;padding:.5rem .75rem;border-radius:6px;margin-bottom:.4rem}
.accounts form{margin:0}
.counters{max-width:34rem}
.counters th{font-weight:normal}
.counters td{text-align:right}
.muted{color:#5f6b7a;font-size:.9rem}
.stars{color:#b36b00;letter-spacing:.05em;white-space:nowrap}
.table{overflow-x:auto}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
td{overflow-wrap:anywhere}
svg{max-width:100%;height:auto}
svg a:focus rect{outline:3px solid #f2b01e}
@media (max-width:40rem){
thead{display:none}
table,tbody,tr,td{display:block;width:100%}
tr{border-bottom:2px solid #d0d4da;padding:.4rem 0}
td{border:0;padding:.2rem .5rem}
td::before{content:attr(data-label);display:block;font-size:.75rem;color:#5f6b7a}
}
)css";

}  // namespace

const std::string& icon_svg() {
  static const std::string kIcon =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"><path fill=\"#b36b00\" "
      "d=\"M12 2l3 7h7l-5.5 4.5 2 7.5-6.5-4.5-6.5 4.5 2-7.5L2 9h7z\"/></svg>";
  return kIcon;
}

const std::string& stylesheet() {
  static const std::string kCss = kStylesheet;
  return kCss;
}

}  // namespace reviewbot::admin
