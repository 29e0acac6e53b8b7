//! What every page shares: the layout (navigation, language switch, administration links),
//! rendering, the error page, choices of a select, safe return paths.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use supportweb_domain::Language;
use supportweb_domain::permissions::{Action, AdminArea, Area};

use crate::context::Ctx;
use crate::error::{AppError, ErrorInfo, KeepBody};
use crate::i18n::Tr;

/// A choice in a select or a checkbox: the value sent (or the field name, for a checkbox),
/// the label shown, and whether it is selected (forms that compare with the typed value in
/// the template leave it `false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Value.
    pub value: String,
    /// Label in the user's language.
    pub label: String,
    /// Selected / checked.
    pub selected: bool,
}

impl Choice {
    /// A choice of `value` labelled by message `key` in `t`'s language.
    pub fn translated(t: &Tr, value: &str, key: impl AsRef<str>) -> Self {
        Choice {
            value: value.to_owned(),
            label: t.t(key),
            selected: false,
        }
    }
}

impl<Id: std::fmt::Display> From<supportweb_app::choices::Named<Id>> for Choice {
    fn from(named: supportweb_app::choices::Named<Id>) -> Self {
        Choice {
            value: named.id.to_string(),
            label: named.name,
            selected: false,
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
                .chain(
                    ctx.actor
                        .as_ref()
                        .filter(|a| {
                            a.staff_may(
                                Area::Agenda(supportweb_domain::agenda::Agenda::SupportDocuments),
                                Action::Manage,
                            )
                        })
                        .map(|_| AdminLink {
                            href: "/mail/held",
                            id: "held-mail-link",
                            label: t.t("mail-held-title"),
                        }),
                )
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

/// A page shown again with what was typed and what is wrong (422, 409 for a stale form, 403
/// for a refused download): the error layer keeps the body the handler rendered.
pub fn again<T: Template>(status: StatusCode, page: &T) -> Result<Response, AppError> {
    Ok((status, axum::Extension(KeepBody), render(page)?).into_response())
}

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
