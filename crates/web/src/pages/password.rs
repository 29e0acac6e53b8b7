//! Changing one's own password: the current password is required; every other session of the
//! account ends, and this browser continues in a fresh session.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use supportweb_app::Error;

use super::form::FormErrors;
use super::layout::{Layout, render};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::pages::layout::again;
use crate::session;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    current_error: Option<String>,
    new_error: Option<String>,
    changed: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    new_again: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChangedQuery {
    changed: Option<String>,
}

pub(super) async fn show(
    signed: SignedIn,
    axum::extract::Query(query): axum::extract::Query<ChangedQuery>,
) -> Result<Html<String>, AppError> {
    render(&PasswordPage {
        layout: Layout::new(&signed.ctx, "password-title"),
        current_error: None,
        new_error: None,
        changed: query.changed.is_some(),
    })
}

pub(super) async fn change(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let problems = match state
        .app()
        .identity()
        .change_password(
            &signed.actor,
            form.current,
            form.new,
            &form.new_again,
            &address,
        )
        .await
    {
        Ok(token) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(
                LOCATION,
                HeaderValue::from_static("/account/password?changed=1"),
            );
            session::append_set_cookie(
                response.headers_mut(),
                session::session_cookie(state.config(), &token)?,
            );
            return Ok(response);
        }
        Err(Error::Invalid(problems)) => problems,
        Err(other) => return Err(other.into()),
    };
    let layout = Layout::new(&signed.ctx, "password-title");
    let errors = FormErrors::from_fields(&problems, &layout.t);
    let page = PasswordPage {
        current_error: errors.get("current").cloned(),
        new_error: errors.get("new").cloned(),
        changed: false,
        layout,
    };
    again(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
