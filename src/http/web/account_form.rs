//! The admin accounts of the operator's pages: a table of accounts (login, role, realm,
//! created; never a password hash) and a form that creates one with an initial password,
//! decoded into the accounts API's `NewAccountBody` so the API's rules and audit entry
//! apply (`create_account_for`). Used by a tenant's page and the resellers page.

use super::{PageCtx, field};
use crate::account::{Account, EndClient, Role};
use crate::http::accounts::NewAccountBody;
use crate::i18n::{Arg, escape_html, format_date_time, t, t_args};

/// What an account form offers and where it posts.
pub struct AccountForm<'a> {
    /// The form's `action` (already a local path).
    pub action: &'a str,
    /// The roles it may create, the first chosen.
    pub roles: &'a [Role],
    /// The resellers to choose from (reseller admin accounts).
    pub resellers: &'a [String],
    /// The tenant's end clients (end-client admin accounts).
    pub end_clients: &'a [EndClient],
}

/// The accounts as a table; `where_of` names each one's reseller, tenant or end client.
pub fn table(ctx: &PageCtx, id: &str, accounts: &[Account], where_of: impl Fn(&Account) -> String) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    if accounts.is_empty() {
        return format!("<p id=\"{id}\">{}</p>", e("accounts-none"));
    }
    let rows: String = accounts
        .iter()
        .map(|a| {
            format!(
                "<tr data-login=\"{login}\"><th scope=\"row\">{login}</th><td>{role}</td><td>{at}</td><td>{when}</td></tr>",
                login = escape_html(&a.login),
                role = e(&format!("js-role-{}", a.realm.role().as_str())),
                at = escape_html(&where_of(a)),
                when = escape_html(&format_date_time(l, a.created_ms)),
            )
        })
        .collect();
    format!(
        "<div class=\"table-wrap\"><table id=\"{id}\"><thead><tr><th scope=\"col\">{c_login}</th>\
         <th scope=\"col\">{c_role}</th><th scope=\"col\">{c_where}</th><th scope=\"col\">{c_created}</th></tr></thead>\
         <tbody>{rows}</tbody></table></div>",
        c_login = e("accounts-login"),
        c_role = e("accounts-role"),
        c_where = e("accounts-where"),
        c_created = e("col-created"),
    )
}

fn options(values: impl Iterator<Item = (String, String)>) -> String {
    values
        .map(|(v, label)| format!("<option value=\"{}\">{}</option>", escape_html(&v), escape_html(&label)))
        .collect()
}

/// The form creating an account, with the password rules shown.
pub fn form(ctx: &PageCtx, f: &AccountForm<'_>) -> String {
    let l = ctx.lang;
    let e = |id: &str| escape_html(&t(l, id));
    let roles = options(
        f.roles
            .iter()
            .map(|r| (r.as_str().to_owned(), t(l, &format!("js-role-{}", r.as_str())))),
    );
    let reseller = if f.resellers.is_empty() {
        String::new()
    } else {
        format!(
            "<label for=\"account-reseller\">{}</label><select id=\"account-reseller\" name=\"reseller\">{}</select>",
            e("col-reseller"),
            options(f.resellers.iter().map(|r| (r.clone(), r.clone()))),
        )
    };
    let end_client = if f.roles.contains(&Role::EndClientAdmin) {
        let none = std::iter::once((String::new(), t(l, "accounts-no-end-client")));
        let list = f
            .end_clients
            .iter()
            .map(|c| (c.id.clone(), format!("{} ({})", c.name, c.id)));
        format!(
            "<label for=\"account-end-client\">{}</label><select id=\"account-end-client\" name=\"endClient\">{}</select>\
             <p class=\"hint\">{}</p>",
            e("col-end-client"),
            options(none.chain(list)),
            e("accounts-end-client-hint"),
        )
    } else {
        String::new()
    };
    let rules = t_args(
        l,
        "accounts-password-hint",
        &[("min", Arg::from(crate::account::MIN_PASSWORD_CHARS as i64))],
    );
    format!(
        "<form id=\"account-form\" method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"account-role\">{role_l}</label><select id=\"account-role\" name=\"role\">{roles}</select>\
         {reseller}{end_client}\
         <label for=\"account-login\">{login_l}</label><input id=\"account-login\" name=\"login\" type=\"email\" required maxlength=\"254\" autocomplete=\"off\">\
         <label for=\"account-password\">{password_l}</label><input id=\"account-password\" name=\"password\" type=\"password\" required minlength=\"{min}\" autocomplete=\"new-password\">\
         <p class=\"hint\">{rules}</p>\
         <label for=\"account-email\">{email_l}</label><input id=\"account-email\" name=\"email\" type=\"email\" maxlength=\"254\" autocomplete=\"off\">\
         <p class=\"hint\">{email_h}</p>\
         <div><button type=\"submit\" id=\"account-create\">{button}</button></div></form>",
        action = escape_html(f.action),
        csrf = escape_html(ctx.csrf.as_deref().unwrap_or_default()),
        role_l = e("accounts-role"),
        login_l = e("accounts-login"),
        password_l = e("accounts-initial-password"),
        min = crate::account::MIN_PASSWORD_CHARS,
        rules = escape_html(&rules),
        email_l = e("accounts-notice-email"),
        email_h = e("accounts-notice-email-hint"),
        button = e("accounts-create-button"),
    )
}

/// The form's fields as the accounts API's body; `tenant` names the page's tenant.
pub fn body(fields: &[(String, String)], tenant: Option<&str>) -> NewAccountBody {
    let text = |name: &str| field(fields, name).filter(|v| !v.is_empty()).map(str::to_owned);
    NewAccountBody {
        login: text("login").unwrap_or_default(),
        password: field(fields, "password").unwrap_or_default().to_owned(),
        role: text("role").unwrap_or_default(),
        reseller: text("reseller"),
        tenant: tenant.map(str::to_owned),
        end_client: text("endClient"),
        email: text("email"),
    }
}
