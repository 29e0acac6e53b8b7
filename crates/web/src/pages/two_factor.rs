//! Two-factor sign-in for one's own account: enrolment with a server-rendered QR code,
//! recovery codes shown once, new recovery codes, turning it off; and the second step of
//! signing in. Administrators can require it of staff and reset it for a user who lost the
//! authenticator (see `accounts.rs` and `security.rs`). The use cases are in
//! `supportweb_app::identity::{two_factor, sign_in}`.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::identity::sign_in::SecondStep;
use supportweb_app::identity::totp;
use supportweb_app::identity::two_factor::{TwoFactor, TwoFactorPage};

use super::layout::{Layout, render, safe_return_path};
use crate::client::ClientAddress;
use crate::context::{Ctx, SignedIn};
use crate::error::AppError;
use crate::error::KeepBody;
use crate::i18n::Tr;
use crate::session;
use crate::state::AppState;

fn unprocessable(page: Html<String>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Extension(KeepBody),
        page,
    )
        .into_response()
}

/// What the account page shows.
enum Mode {
    /// Not enabled: offer to set it up.
    Off,
    /// Enrolment started: scan and confirm.
    Enrolling { qr_svg: String, secret: String },
    /// Enabled.
    On { recovery_left: i64 },
    /// Just enabled or renewed: the recovery codes, shown this once.
    Codes(Vec<String>),
}

impl Mode {
    fn of(state: TwoFactor) -> Result<Self, AppError> {
        Ok(match state {
            TwoFactor::Off => Mode::Off,
            TwoFactor::On { recovery_left } => Mode::On { recovery_left },
            TwoFactor::Enrolling { secret, uri } => Mode::Enrolling {
                qr_svg: totp::qr_svg(&uri)?,
                secret: secret
                    .as_bytes()
                    .chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" "),
            },
        })
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct AccountPage {
    layout: Layout,
    mode: Mode,
    required: bool,
    code_error: Option<String>,
    password_error: Option<String>,
    disabled: bool,
}

impl AccountPage {
    fn new(layout: Layout, mode: Mode, required: bool) -> Self {
        AccountPage {
            layout,
            mode,
            required,
            code_error: None,
            password_error: None,
            disabled: false,
        }
    }
}

/// The page as it stands now, with `field`'s problem from a refused step (422).
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    error: Error,
    field: &str,
) -> Result<Response, AppError> {
    let Error::Invalid(problems) = error else {
        return Err(error.into());
    };
    let TwoFactorPage {
        state: now,
        required,
        ..
    } = state.app().identity().two_factor(&signed.actor).await?;
    let mut page = AccountPage::new(
        Layout::new(&signed.ctx, "two-factor-title"),
        Mode::of(now)?,
        required,
    );
    let message = super::form::FormErrors::from_fields(&problems, &page.layout.t)
        .get(field)
        .cloned();
    if field == "password" {
        page.password_error = message;
    } else {
        page.code_error = message;
    }
    Ok(unprocessable(render(&page)?))
}

/// The recovery codes, shown this once.
async fn codes_page(
    state: &AppState,
    signed: &SignedIn,
    codes: Vec<String>,
) -> Result<Response, AppError> {
    let required = state
        .app()
        .identity()
        .two_factor_required(&signed.actor)
        .await?;
    let layout = Layout::new(&signed.ctx, "two-factor-title");
    Ok(render(&AccountPage::new(layout, Mode::Codes(codes), required))?.into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct DisabledQuery {
    disabled: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<DisabledQuery>,
) -> Result<Html<String>, AppError> {
    let now = state.app().identity().two_factor(&signed.actor).await?;
    let mut page = AccountPage::new(
        Layout::new(&signed.ctx, "two-factor-title"),
        Mode::of(now.state)?,
        now.required,
    );
    page.disabled = query.disabled.is_some();
    render(&page)
}

pub(super) async fn setup(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, AppError> {
    state
        .app()
        .identity()
        .begin_two_factor(&signed.actor)
        .await?;
    Ok(Redirect::to("/account/two-factor").into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    code: String,
}

pub(super) async fn confirm(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    match state
        .app()
        .identity()
        .confirm_two_factor(&signed.actor, &form.code, &address)
        .await
    {
        Ok(Some(codes)) => codes_page(&state, &signed, codes).await,
        Ok(None) => Ok(Redirect::to("/account/two-factor").into_response()),
        Err(error) => refused(&state, &signed, error, "code").await,
    }
}

pub(super) async fn new_recovery_codes(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    match state
        .app()
        .identity()
        .new_recovery_codes(&signed.actor, &form.code, &address)
        .await
    {
        Ok(codes) => codes_page(&state, &signed, codes).await,
        Err(error) => refused(&state, &signed, error, "code").await,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub(super) async fn disable(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    match state
        .app()
        .identity()
        .disable_two_factor(&signed.actor, form.password, &address)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account/two-factor?disabled=1").into_response()),
        Err(error) => refused(&state, &signed, error, "password").await,
    }
}

#[derive(Template)]
#[template(path = "login_two_factor.html")]
struct SecondStepPage {
    layout: Layout,
    next: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

pub(super) async fn second_step_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_return_path(query.next.as_deref());
    if ctx.actor.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let pending = session::read_cookie(&headers, session::pending_cookie_name(state.config()))
        .unwrap_or_default();
    if state
        .app()
        .identity()
        .pending_sign_in(&pending)
        .await?
        .is_none()
    {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(&SecondStepPage {
        layout: Layout::new(&ctx, "two-factor-login-title"),
        next,
        error: None,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct SecondStepForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: Option<String>,
}

pub(super) async fn second_step_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SecondStepForm>,
) -> Result<Response, AppError> {
    let next = safe_return_path(form.next.as_deref());
    let pending = session::read_cookie(&headers, session::pending_cookie_name(state.config()))
        .unwrap_or_default();
    let previous = session::session_token(&state, &headers);
    let client = session::sign_in_client(&headers, &address, previous.as_deref());
    let t = Tr::new(ctx.lang);
    let page = |error: String| SecondStepPage {
        layout: Layout::new(&ctx, "two-factor-login-title"),
        next: next.clone(),
        error: Some(error),
    };
    match state
        .app()
        .identity()
        .second_step(&pending, &form.code, client)
        .await?
    {
        SecondStep::Expired => Ok(Redirect::to("/login").into_response()),
        SecondStep::Throttled(until) => {
            let minutes = (until - chrono::Utc::now()).num_minutes() + 1;
            let body = render(&page(t.tn("login-error-throttled", "minutes", minutes)))?;
            Ok((
                StatusCode::TOO_MANY_REQUESTS,
                axum::Extension(KeepBody),
                body,
            )
                .into_response())
        }
        SecondStep::WrongCode => Ok(unprocessable(render(&page(t.t("two-factor-error-code")))?)),
        SecondStep::SignedIn(token) => {
            let mut response = session::signed_in(state.config(), &token, &next)?;
            session::append_set_cookie(
                response.headers_mut(),
                session::pending_cookie(state.config(), "", 0)?,
            );
            Ok(response)
        }
    }
}
