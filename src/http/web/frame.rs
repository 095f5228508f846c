//! The frame every page shares: the document head, a header with the home link, the
//! navigation and the language control, and the shared styles (readable on a phone,
//! visible keyboard focus). Messages come from the catalogs, escaped.

use super::PageCtx;
use crate::i18n::{Lang, escape_html, t};

/// Styles every page shares (the admin page adds its own after these).
pub const CSS: &str = "\
*{box-sizing:border-box}\
body{font:16px/1.55 system-ui,-apple-system,'Hiragino Sans','Noto Sans JP','Yu Gothic',sans-serif;margin:0;color:#1b1b1b;background:#fff}\
header.top{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid #ccc;background:#f6f7f9}\
header.top .brand{font-weight:bold;font-size:1.15rem;color:#1b1b1b;text-decoration:none}\
header.top nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;flex:1}\
header.top nav a{color:#0b4f9c;white-space:nowrap}\
form.lang{display:flex;gap:.4rem;align-items:center;margin:0}\
main{max-width:60rem;margin:0 auto;padding:1rem}\
h1{font-size:1.5rem;margin:.6rem 0 1rem}\
h2{font-size:1.15rem;margin-top:1.8rem}\
a{color:#0b4f9c}\
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f5a400;outline-offset:2px}\
.button{display:inline-block;padding:.5rem 1.1rem;border-radius:4px;background:#0b4f9c;color:#fff;text-decoration:none;font-weight:bold}\
label{display:block;margin:.7rem 0 .15rem}\
input[type=text],input[type=password],input[type=date],input[type=email]{font:inherit;padding:.35rem .5rem;width:22rem;max-width:100%}\
form button[type=submit]{font:inherit;margin-top:.9rem;padding:.4rem 1rem;cursor:pointer}\
.hint{color:#555;font-size:.9rem;margin:.1rem 0 0}\
.notice{padding:.5rem .8rem;border:1px solid;border-radius:3px}\
.notice.error{border-color:#b00020;background:#fdecee;color:#7a0016}\
.notice.info{border-color:#2e7d32;background:#edf7ed;color:#1e4620}\
.notice.warning{border-color:#8a5a00;background:#fff4e0;color:#5c3c00}\
button.danger{background:#b00020;color:#fff;border:1px solid #7a0016;border-radius:3px}\
code{overflow-wrap:anywhere}\
.skip{position:absolute;left:-10000px;top:.4rem}\
.skip:focus{left:.6rem;z-index:10;background:#fff;padding:.3rem .6rem}\
form.lang label{margin:0}\
form.lang select,form.lang button{font:inherit;padding:.2rem .4rem;margin:0}\
.table-wrap{overflow-x:auto}\
table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}\
thead th{background:#f0f0f0}\
tr[aria-current] th,tr[aria-current] td{background:#fff8e1}\
dl.facts dt{font-weight:bold;float:left;clear:left;width:10rem}\
dl.facts dd{margin-left:10.5rem}\
ul.tree,ul.tree ul{padding-left:1.2rem}\
ul.scopes{list-style:none;padding-left:0;margin:.3rem 0}\
ul.scopes label{display:inline;margin:0}\
fieldset{border:1px solid #ccc;margin-top:.8rem}\
tr.json td{border-top:0;padding-top:0}\
td.bad,span.bad{color:#b00020;font-weight:bold}\
table.narrow{width:auto}\
td.num{text-align:right}\
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:0 1rem;align-items:end}\
form.filters input[type=text],form.filters input[type=date]{width:100%;box-sizing:border-box}\
form.filters .wide{grid-column:1/-1}\
tr.json pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;margin:.3rem 0}\
ol.notices{list-style:none;padding-left:0}\
ol.notices>li{border-left:4px solid #0b4f9c;padding:.2rem .8rem;margin:1rem 0}\
ol.notices>li.maintenance{border-color:#f5a400}\
ol.notices>li.incident{border-color:#b00020}\
ol.notices .kind{font-size:.85rem;border:1px solid;border-radius:3px;padding:0 .3rem}\
ol.notices .text{white-space:pre-wrap;overflow-wrap:anywhere}\
label.inline{display:inline}\
select,input[type=number]{font:inherit;padding:.3rem .4rem}\
progress{width:22rem;max-width:100%;height:1.2rem;margin-top:.6rem}\
input[type=file]{font:inherit;max-width:100%}\
@media (max-width:40rem){header.top nav{flex-basis:100%;order:3}main{padding:.8rem}}";

/// The language control: a plain form (it works without script), posted to
/// `/language`, coming back to `back`.
pub fn switcher(ctx: &PageCtx, back: &str) -> String {
    let l = ctx.lang;
    let options: String = Lang::ALL
        .iter()
        .map(|o| {
            let selected = if *o == l { " selected" } else { "" };
            format!(
                "<option value=\"{code}\" lang=\"{code}\"{selected}>{name}</option>",
                code = o.code(),
                name = escape_html(&t(*o, &format!("lang-{}", o.code()))),
            )
        })
        .collect();
    format!(
        "<form class=\"lang\" method=\"post\" action=\"/language\">\
         <input type=\"hidden\" name=\"back\" value=\"{back}\">\
         <input type=\"hidden\" name=\"csrf\" id=\"lang-csrf\" value=\"{csrf}\">\
         <label for=\"lang-select\">{label}</label>\
         <select id=\"lang-select\" name=\"lang\">{options}</select>\
         <button type=\"submit\" id=\"lang-button\">{switch}</button></form>",
        back = escape_html(back),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        label = escape_html(&t(l, "lang-label")),
        switch = escape_html(&t(l, "lang-switch")),
    )
}

/// The header every page starts with.
pub fn header(ctx: &PageCtx, back: &str) -> String {
    let l = ctx.lang;
    format!(
        "<a class=\"skip\" href=\"#main\">{skip}</a><header class=\"top\"><a class=\"brand\" href=\"/\">{app}</a>\
         <nav aria-label=\"{nav}\"><a href=\"/\">{home}</a><a href=\"/admin/\">{admin}</a><a href=\"/tenants\">{tenants}</a>\
         <a href=\"/courses\">{courses}</a><a href=\"/learners\">{learners}</a><a href=\"/assignments\">{assignments}</a><a href=\"/reports\">{reports}</a><a href=\"/end-clients\">{end_clients}</a><a href=\"/credentials\">{credentials}</a><a href=\"/settings\">{settings}</a><a href=\"/statements\">{statements}</a><a href=\"/audit\">{audit}</a><a href=\"/notices\">{notices}</a>{operator}</nav>{switcher}</header>",
        skip = escape_html(&t(l, "skip-link")),
        app = escape_html(&t(l, "app-name")),
        nav = escape_html(&t(l, "main-nav")),
        home = escape_html(&t(l, "nav-home")),
        admin = escape_html(&t(l, "nav-admin")),
        tenants = escape_html(&t(l, "nav-tenants")),
        courses = escape_html(&t(l, "nav-courses")),
        learners = escape_html(&t(l, "nav-learners")),
        assignments = escape_html(&t(l, "portal-nav-assignments")),
        reports = escape_html(&t(l, "nav-reports")),
        end_clients = escape_html(&t(l, "nav-end-clients")),
        credentials = escape_html(&t(l, "nav-credentials")),
        settings = escape_html(&t(l, "nav-settings")),
        statements = escape_html(&t(l, "nav-statements")),
        audit = escape_html(&t(l, "nav-audit")),
        notices = escape_html(&t(l, "nav-notices")),
        switcher = switcher(ctx, back),
        operator = operator_links(ctx),
    )
}

/// The operator's own pages, in the navigation of operator accounts only.
fn operator_links(ctx: &PageCtx) -> String {
    let operator = ctx
        .caller
        .as_ref()
        .is_some_and(|c| c.account.realm == crate::account::Realm::Service);
    if !operator {
        return String::new();
    }
    format!(
        "<a href=\"/plans\">{}</a><a href=\"/resellers\">{}</a><a href=\"/health\">{}</a>",
        escape_html(&t(ctx.lang, "nav-plans")),
        escape_html(&t(ctx.lang, "nav-resellers")),
        escape_html(&t(ctx.lang, "nav-health")),
    )
}

/// A whole page: the message `title_id` as its title, `main_html` (already escaped)
/// as its content.
pub fn page(ctx: &PageCtx, title_id: &str, back: &str, main_html: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n\
         <body>\n{header}\n<main id=\"main\">\n{main_html}\n</main>\n</body>\n</html>\n",
        lang = ctx.lang.code(),
        title = escape_html(&t(ctx.lang, title_id)),
        header = header(ctx, back),
    )
}

/// The learner portal's header: the tenant's portal home and the language control, none
/// of the admin pages' navigation.
fn learner_header(ctx: &PageCtx, home: &str) -> String {
    let l = ctx.lang;
    format!(
        "<a class=\"skip\" href=\"#main\">{skip}</a><header class=\"top\"><a class=\"brand\" href=\"{home}\">{app}</a>\
         <nav aria-label=\"{nav}\"><a href=\"{home}\">{portal}</a></nav>{switcher}</header>",
        skip = escape_html(&t(l, "skip-link")),
        home = escape_html(home),
        app = escape_html(&t(l, "app-name")),
        nav = escape_html(&t(l, "main-nav")),
        portal = escape_html(&t(l, "portal-title")),
        switcher = switcher(ctx, home),
    )
}

/// A learner portal page: the frame with the learner's header (`home`: the portal's
/// address, where the language control comes back to).
pub fn learner_page(ctx: &PageCtx, title_id: &str, home: &str, main_html: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n\
         <body>\n{header}\n<main id=\"main\">\n{main_html}\n</main>\n</body>\n</html>\n",
        lang = ctx.lang.code(),
        title = escape_html(&t(ctx.lang, title_id)),
        header = learner_header(ctx, home),
    )
}
