//! Activation: a new account opens the link staff handed over and chooses its password
//! (`supportweb_app::identity::credentials`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_app::Error;

use super::form::FormErrors;
use super::layout::{Layout, render};
use crate::client::ClientAddress;
use crate::context::Ctx;
use crate::error::AppError;
use crate::pages::layout::again;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    layout: Layout,
    display_name: Option<String>,
    login: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ActivateForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

fn invalid(ctx: &Ctx) -> Result<Response, AppError> {
    let page = ActivatePage {
        layout: Layout::new(ctx, "activate-title"),
        display_name: None,
        login: String::new(),
        error: None,
    };
    again(StatusCode::NOT_FOUND, &page)
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match state.app().identity().activation(&token).await {
        Ok(user) => render(&ActivatePage {
            layout: Layout::new(&ctx, "activate-title"),
            display_name: Some(user.display_name),
            login: user.login,
            error: None,
        })
        .map(IntoResponse::into_response),
        Err(Error::NotFound) => invalid(&ctx),
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<ActivateForm>,
) -> Result<Response, AppError> {
    let identity = state.app().identity();
    match identity
        .activate(&token, form.password, &form.password_again, &address)
        .await
    {
        Ok(_) => Ok(Redirect::to("/login?activated=1").into_response()),
        Err(Error::NotFound) => invalid(&ctx),
        Err(Error::Invalid(problems)) => {
            let user = match identity.activation(&token).await {
                Ok(user) => user,
                Err(Error::NotFound) => return invalid(&ctx),
                Err(other) => return Err(other.into()),
            };
            let layout = Layout::new(&ctx, "activate-title");
            let error = FormErrors::from_fields(&problems, &layout.t)
                .get("password")
                .cloned();
            let page = ActivatePage {
                layout,
                display_name: Some(user.display_name),
                login: user.login,
                error,
            };
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}
