//! Server-rendered pages. Each page renders in full, or — for an htmx request — only its
//! content (the layout checks `layout.fragment`), so every page also works without JavaScript.

mod account;
mod accounts;
mod activation;
mod audit;
pub(crate) mod catalogue;
pub(crate) mod contracts;
pub(crate) mod csv;
pub mod customization_orders;
pub(crate) mod form;
mod history;
mod home;
mod installations;
mod language;
mod login;
mod notifications;
pub mod organisation;
pub(crate) mod organisations;
mod password;
pub(crate) mod podpora;
pub mod protocols;
mod remote_access;
mod rights_form;
mod security;
pub(crate) mod support_documents;
mod tokens;
mod two_factor;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::{Agenda, Language};

use crate::context::Ctx;
use crate::error::{AppError, ErrorInfo};
use crate::i18n::Tr;
use crate::state::AppState;

/// Agendas this build serves pages for; an agenda joins the list together with its routes.
/// The navigation shows the intersection with what the signed-in user may enter.
pub const SERVED_AGENDAS: &[Agenda] = &[
    Agenda::Protocols,
    Agenda::CustomizationOrders,
    Agenda::SupportDocuments,
    Agenda::Podpora,
];

/// Page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(login::show).post(login::submit))
        .route(
            "/login/two-factor",
            get(two_factor::second_step_form).post(two_factor::second_step_submit),
        )
        .route("/logout", post(login::logout))
        .route("/account/two-factor", get(two_factor::show))
        .route("/account/two-factor/setup", post(two_factor::setup))
        .route("/account/two-factor/confirm", post(two_factor::confirm))
        .route(
            "/account/two-factor/recovery-codes",
            post(two_factor::new_recovery_codes),
        )
        .route("/account/two-factor/disable", post(two_factor::disable))
        .route(
            "/account/notifications",
            get(notifications::show).post(notifications::save),
        )
        .route("/language", post(language::choose))
        .route("/organisation", get(organisation::show))
        .route(
            "/account/password",
            get(password::show).post(password::change),
        )
        .route(
            "/activate/{token}",
            get(activation::show).post(activation::submit),
        )
        .route(
            "/admin/organisations",
            get(organisations::list).post(organisations::create),
        )
        .route("/admin/organisations/new", get(organisations::new_form))
        .route(
            "/admin/organisations/{id}",
            get(organisations::show).post(organisations::update),
        )
        .route("/admin/organisations/{id}/team", post(organisations::team))
        .route(
            "/admin/organisations/{id}/contracts",
            post(contracts::create),
        )
        .route(
            "/admin/contracts/{id}",
            get(contracts::show).post(contracts::update),
        )
        .route(
            "/admin/organisations/{id}/installations/new",
            get(installations::new_form),
        )
        .route(
            "/admin/organisations/{id}/installations",
            post(installations::create),
        )
        .route(
            "/admin/installations/{id}",
            get(installations::show).post(installations::update),
        )
        .route(
            "/admin/installations/{id}/remove",
            post(installations::remove),
        )
        .route(
            "/admin/products",
            get(catalogue::list).post(catalogue::create),
        )
        .route("/admin/products/new", get(catalogue::new_form))
        .route(
            "/admin/products/{id}",
            get(catalogue::show).post(catalogue::update),
        )
        .route(
            "/organisation/{id}/remote-access",
            post(remote_access::save_own),
        )
        .route(
            "/admin/organisations/{id}/remote-access",
            post(remote_access::save_admin),
        )
        .route(
            "/admin/organisations/{id}/remote-access/{entry}/reveal",
            post(remote_access::reveal),
        )
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/admin/audit", get(audit::show))
        .route("/admin/security", get(security::show).post(security::save))
        .route(
            "/admin/accounts/{id}/two-factor/reset",
            post(accounts::reset_two_factor),
        )
        .route(
            "/admin/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route("/admin/accounts/new", get(accounts::new_form))
        .route("/admin/accounts/{id}", get(accounts::show))
        .route("/admin/accounts/{id}/active", post(accounts::set_active))
        .route("/admin/accounts/{id}/activation", post(accounts::new_link))
        .route(
            "/admin/accounts/{id}/memberships",
            post(accounts::membership),
        )
        .merge(support_documents::router())
        .merge(podpora::router())
        .merge(protocols::router())
        .merge(customization_orders::router())
}

/// A choice in a select: the value sent and the label shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Value.
    pub value: String,
    /// Label in the user's language.
    pub label: String,
}

impl Choice {
    /// A choice of `value` labelled by message `key` in `t`'s language.
    pub fn translated(t: &Tr, value: &str, key: impl AsRef<str>) -> Self {
        Choice {
            value: value.to_owned(),
            label: t.t(key),
        }
    }
}

impl<Id: std::fmt::Display> From<supportweb_app::choices::Named<Id>> for Choice {
    fn from(named: supportweb_app::choices::Named<Id>) -> Self {
        Choice {
            value: named.id.to_string(),
            label: named.name,
        }
    }
}

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Target path.
    pub href: String,
    /// Label in the user's language.
    pub label: String,
    /// Whether the current page belongs to it.
    pub active: bool,
}

/// One choice of the language switcher.
#[derive(Debug, Clone)]
pub struct LanguageOption {
    /// BCP 47 tag.
    pub tag: &'static str,
    /// Name in that language.
    pub label: &'static str,
    /// Whether it is the current language.
    pub selected: bool,
}

/// A link to an administration page in the header.
#[derive(Debug, Clone)]
pub struct AdminLink {
    /// Target.
    pub href: &'static str,
    /// Element id.
    pub id: &'static str,
    /// Label in the user's language.
    pub label: String,
}

/// Administration pages: area, path, label, element id. A staff user sees a link when the
/// permission matrix lets it read the area.
const ADMIN_LINKS: &[(AdminArea, &str, &str, &str)] = &[
    (
        AdminArea::Accounts,
        "/admin/accounts",
        "nav-accounts",
        "accounts-admin-link",
    ),
    (
        AdminArea::Catalogue,
        "/admin/products",
        "nav-products",
        "products-admin-link",
    ),
    (
        AdminArea::Audit,
        "/admin/audit",
        "nav-audit",
        "audit-admin-link",
    ),
    (
        AdminArea::Security,
        "/admin/security",
        "nav-security",
        "security-admin-link",
    ),
];

/// What the shared layout (`base.html`) needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Translator.
    pub t: Tr,
    /// Page title (without the product name).
    pub title: String,
    /// Content only (htmx request)?
    pub fragment: bool,
    /// The signed-in user's name.
    pub user_name: Option<String>,
    /// Agenda navigation.
    pub nav: Vec<NavLink>,
    /// Language choices.
    pub languages: Vec<LanguageOption>,
    /// Where to come back to after switching language.
    pub return_to: String,
    /// Show the "My organisation" link (customer and partner users with a membership).
    pub my_organisation: bool,
    /// Administration pages the user may open.
    pub admin_links: Vec<AdminLink>,
}

impl Layout {
    /// The layout for a page titled by message `title_key`.
    pub fn new(ctx: &Ctx, title_key: &str) -> Self {
        let t = Tr::new(ctx.lang);
        Layout {
            title: t.t(title_key),
            fragment: ctx.fragment,
            user_name: ctx.actor.as_ref().map(|a| a.display_name.clone()),
            nav: ctx
                .nav
                .iter()
                .map(|agenda| {
                    let href = format!("/{}", agenda.slug());
                    NavLink {
                        active: ctx.path.starts_with(&href),
                        label: t.t(format!("agenda-{}", agenda.slug())),
                        href,
                    }
                })
                .collect(),
            languages: Language::ALL
                .into_iter()
                .map(|l| LanguageOption {
                    tag: l.tag(),
                    label: match l {
                        Language::Cs => "Čeština",
                        Language::En => "English",
                    },
                    selected: l == ctx.lang,
                })
                .collect(),
            return_to: ctx.path.clone(),
            admin_links: ADMIN_LINKS
                .iter()
                .filter(|(area, _, _, _)| {
                    ctx.actor
                        .as_ref()
                        .is_some_and(|a| a.staff_may(Area::Admin(*area), Action::Read))
                })
                .map(|(_, href, key, id)| AdminLink {
                    href,
                    id,
                    label: t.t(key),
                })
                .collect(),
            my_organisation: ctx
                .actor
                .as_ref()
                .is_some_and(|a| !a.is_staff() && !a.memberships.is_empty()),
            t,
        }
    }
}

pub use supportweb_app::today;

/// Renders a template to HTML.
pub fn render<T: Template>(template: &T) -> Result<Html<String>, AppError> {
    Ok(Html(template.render()?))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    detail: String,
    request_id: String,
}

/// The HTML body of an error response, in the user's language, with the request id and
/// nothing internal.
pub fn error_page(ctx: &Ctx, status: StatusCode, info: &ErrorInfo) -> String {
    let layout = Layout::new(ctx, info.title_key());
    let page = ErrorPage {
        detail: layout.t.t(info.detail_key()),
        status: status.as_u16(),
        request_id: ctx.request_id.clone(),
        layout,
    };
    page.render().unwrap_or_else(|error| {
        tracing::error!(%error, "error page template failed");
        format!("{} {}", status.as_u16(), ctx.request_id)
    })
}

/// A local path to return to, or `/`. Refuses anything that could leave the site
/// (`//host`, `/\host`, schemes) and the sign-out action.
pub fn safe_return_path(candidate: Option<&str>) -> String {
    let Some(path) = candidate.map(str::trim) else {
        return "/".to_owned();
    };
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\');
    if !local || path.starts_with("/logout") {
        return "/".to_owned();
    }
    path.to_owned()
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_return_path(Some("/files/1?x=2")), "/files/1?x=2");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/logout",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_return_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
