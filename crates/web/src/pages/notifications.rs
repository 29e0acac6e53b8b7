//! "E-mail notifications": each user chooses which kinds of e-mail the portal sends them.
//! Customers see only the kinds they can receive; internal notes and SLA breaches are
//! staff-only.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::layout::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;
use supportweb_app::notify::{kind_label_key, kinds_for};

/// One switch on the page.
pub struct KindRow {
    key: &'static str,
    label: String,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    rows: Vec<KindRow>,
    saved: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    let layout = Layout::new(&signed.ctx, "notify-title");
    let t = layout.t;
    let rows = state
        .app()
        .identity()
        .notifications(&signed.actor)
        .await?
        .into_iter()
        .map(|(kind, enabled)| KindRow {
            key: kind.as_str(),
            label: t.t(kind_label_key(kind)),
            enabled,
        })
        .collect();
    render(&NotificationsPage {
        layout,
        rows,
        saved: query.contains_key("saved"),
    })
}

/// A checked box sends its kind; an unchecked one sends nothing, which switches it off.
pub(super) async fn save(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let settings: Vec<(&str, bool)> = kinds_for(signed.actor.is_staff())
        .into_iter()
        .map(|kind| (kind.as_str(), form.contains_key(kind.as_str())))
        .collect();
    state
        .app()
        .identity()
        .set_notifications(&signed.actor, &settings)
        .await?;
    Ok(Redirect::to("/account/notifications?saved=1").into_response())
}
