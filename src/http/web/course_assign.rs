//! The course page's assignments: the course's current assignments (to a learner or an
//! end client, with their due dates) and a form assigning it. The form posts to the
//! assignments page's own handler (`POST /assignments`, through the API's
//! `assignments::create_for`: the same rules and audit entry) with `return=course`, which
//! answers with the course page again and its confirmation (`?done=assigned`), or, when
//! refused, with the course page and the refusal above the form.

use super::PageCtx;
use crate::http::api::Admin;
use crate::http::api::assignments::list_for;
use crate::http::api::end_clients::visible_to;
use crate::http::error::ApiError;
use crate::i18n::{escape_html, format_date_time, format_day, t};
use crate::portal::assignment::Assignment;
use crate::server::AppState;

/// Where the assignments handler sends the browser after assigning from a course page.
pub fn back_path(package_id: &str, tenant_query: &str) -> String {
    let sep = if tenant_query.is_empty() { "?" } else { "&" };
    format!(
        "/courses/{}{tenant_query}{sep}done=assigned#assign-course-h",
        crate::http::content::encode_path(package_id)
    )
}

/// What the section says above its form.
pub enum Notice {
    None,
    /// The course was just assigned.
    Assigned,
    /// The form was refused, and why (in the reader's language).
    Refused(String),
}

impl Notice {
    fn html(&self, l: crate::i18n::Lang) -> String {
        let (class, role, text) = match self {
            Self::None => return String::new(),
            Self::Assigned => ("info", "status", t(l, "portal-assignment-created")),
            Self::Refused(why) => ("error", "alert", why.clone()),
        };
        format!(
            "<p class=\"notice {class}\" role=\"{role}\" id=\"course-assignment-notice\">{}</p>",
            escape_html(&text)
        )
    }
}

/// The section: its notice, the form, the course's assignments.
pub async fn section(
    state: &AppState,
    ctx: &PageCtx,
    who: &Admin,
    (package_id, tenant_query): (&str, &str),
    notice: &Notice,
) -> Result<String, ApiError> {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let mine: Vec<Assignment> = list_for(state, who)
        .await?
        .into_iter()
        .filter(|a| a.package_id == package_id)
        .collect();
    let end_clients = visible_to(state, who).await?;
    let notice = notice.html(l);
    let ec_options = super::assignments::end_client_options(&end_clients);
    Ok(format!(
        "<section aria-labelledby=\"assign-course-h\"><h2 id=\"assign-course-h\">{title}</h2>{notice}\
         <p class=\"hint\">{hint}</p>\
         <form id=\"course-assign-form\" method=\"post\" action=\"/assignments{tq}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"packageId\" value=\"{package}\"><input type=\"hidden\" name=\"return\" value=\"course\">\
         <label for=\"course-assign-learner\">{learner_l}</label>\
         <input id=\"course-assign-learner\" name=\"learner\" type=\"text\" maxlength=\"255\" autocomplete=\"off\">\
         <label for=\"course-assign-end-client\">{ec_l}</label><select id=\"course-assign-end-client\" name=\"endClient\">\
         <option value=\"\">{none}</option>{ec_options}</select>\
         <label for=\"course-assign-due\">{due_l}</label><input id=\"course-assign-due\" name=\"due\" type=\"date\">\
         <div><button type=\"submit\" id=\"course-assign-button\">{button}</button></div></form>{list}</section>",
        title = e("course-assignments"),
        hint = e("portal-assign-target-hint"),
        tq = escape_html(tenant_query),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        package = escape_html(package_id),
        learner_l = e("portal-assign-learner"),
        ec_l = e("col-end-client"),
        none = e("portal-assign-no-end-client"),
        due_l = e("portal-col-due"),
        button = e("portal-assign-button"),
        list = list_html(ctx, &mine),
    ))
}

/// The course's assignments as a table (or a line saying there is none).
fn list_html(ctx: &PageCtx, mine: &[Assignment]) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    if mine.is_empty() {
        return format!(
            "<p class=\"hint\" id=\"course-assignments-empty\">{}</p>",
            e("course-assignments-empty")
        );
    }
    let rows: String = mine
        .iter()
        .map(|a| {
            let target = super::assignments::target_text(l, &a.target);
            format!(
                "<tr><th scope=\"row\">{target}</th><td>{due}</td><td>{created}</td></tr>",
                target = escape_html(&target),
                due = escape_html(&a.due.as_deref().map(|d| format_day(l, d)).unwrap_or_default()),
                created = escape_html(&format_date_time(l, a.created_ms)),
            )
        })
        .collect();
    format!(
        "<div class=\"table-wrap\"><table id=\"course-assignments\" aria-labelledby=\"assign-course-h\"><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
        e("portal-col-assigned-to"),
        e("portal-col-due"),
        e("col-created"),
    )
}
