//! The start page after sign-in.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::account::AccountSummary;
use super::{Layout, NavLink, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    greeting: String,
    account: AccountSummary,
    agendas: Vec<NavLink>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let layout = Layout::new(&signed.ctx, "home-title");
    let user = state
        .store()
        .user(signed.actor.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let account = AccountSummary::new(&layout.t, &user);
    render(&HomePage {
        greeting: layout.t.t1("home-greeting", "name", &user.display_name),
        agendas: layout.nav.clone(),
        account,
        layout,
    })
}
