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
pub mod layout;
mod login;
mod mail;
mod notifications;
pub mod organisation;
pub(crate) mod organisations;
mod password;
pub(crate) mod podpora;
pub mod protocols;
mod remote_access;
mod rights_form;
mod search;
mod security;
pub(crate) mod support_documents;
pub(crate) mod timeline;
mod tokens;
mod two_factor;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

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
        .route("/search", get(search::show))
        .route("/account", get(account::show))
        .route("/organisations/{id}/timeline", get(timeline::show))
        .route("/mail/held", get(mail::held))
        .route("/mail/{id}", get(mail::show))
        .route("/mail/{id}/files/{index}", get(mail::file))
        .route("/mail/{id}/attach", post(mail::attach))
        .route("/mail/{id}/open", post(mail::open))
        .route("/mail/{id}/discard", post(mail::discard))
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
            post(organisations::create_contract),
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
