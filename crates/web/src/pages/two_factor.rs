//! Two-factor sign-in for one's own account: enrolment with a server-rendered QR code,
//! recovery codes shown once, new recovery codes, turning it off; and the second step of
//! signing in. Administrators can require it of staff and reset it for a user who lost the
//! authenticator (see `accounts.rs` and `security.rs`).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::UserId;
use supportweb_domain::throttle::login_key;
use supportweb_domain::user::UserKind;
use supportweb_storage::StoreError;
use supportweb_storage::users::UserRecord;

use super::{Layout, render, safe_return_path};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::{Ctx, SignedIn};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::session;
use crate::state::AppState;
use supportweb_app::identity::passwords as password;
use supportweb_app::identity::totp;

/// How long a sign-in waits for its second factor.
const PENDING_MINUTES: i64 = 10;
/// Issuer shown in authenticator apps.
const ISSUER: &str = "Supportweb";

/// The cookie of a sign-in waiting for its second factor.
fn pending_cookie_name(state: &AppState) -> &'static str {
    if state.config().secure_cookies {
        "__Host-sw-pending"
    } else {
        "sw-pending"
    }
}

fn pending_cookie(state: &AppState, value: &str, max_age: i64) -> Result<HeaderValue, AppError> {
    let secure = if state.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        pending_cookie_name(state)
    ))
    .map_err(|e| AppError::Internal(e.to_string()))
}

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

/// Whether this account may not turn the second factor off: staff, when it is required.
async fn required_for(state: &AppState, user: &UserRecord) -> Result<bool, AppError> {
    Ok(user.kind == UserKind::Staff && state.store().staff_two_factor_required().await?)
}

async fn own_account(state: &AppState, signed: &SignedIn) -> Result<UserRecord, AppError> {
    state
        .store()
        .user(signed.actor.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The unsealed secret of the account's enrolment or enabled second factor.
fn unseal(state: &AppState, user: UserId, sealed: &[u8]) -> Result<String, AppError> {
    state
        .config()
        .app
        .secret_key
        .open(&totp::seal_context(user), sealed)
        .map_err(|_| AppError::Internal("two-factor secret cannot be opened".into()))
}

async fn current_mode(state: &AppState, user: &UserRecord) -> Result<Mode, AppError> {
    Ok(match state.store().two_factor(user.id).await? {
        None => Mode::Off,
        Some(record) if record.is_enabled() => Mode::On {
            recovery_left: state.store().unused_recovery_codes(user.id).await?,
        },
        Some(record) => {
            let secret = unseal(state, user.id, &record.secret_sealed)?;
            enrolling(&user.login, secret)?
        }
    })
}

fn enrolling(login: &str, secret: String) -> Result<Mode, AppError> {
    let qr_svg = totp::qr_svg(&totp::provisioning_uri(ISSUER, login, &secret))?;
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Mode::Enrolling {
        qr_svg,
        secret: grouped,
    })
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
    let user = own_account(&state, &signed).await?;
    let mut page = AccountPage::new(
        Layout::new(&signed.ctx, "two-factor-title"),
        current_mode(&state, &user).await?,
        required_for(&state, &user).await?,
    );
    page.disabled = query.disabled.is_some();
    render(&page)
}

pub(super) async fn setup(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, AppError> {
    let user = own_account(&state, &signed).await?;
    let secret = totp::new_secret()?;
    let sealed = state
        .config()
        .app
        .secret_key
        .seal(&totp::seal_context(user.id), &secret)
        .map_err(|_| AppError::Internal("sealing failed".into()))?;
    match state.store().begin_two_factor(user.id, &sealed).await {
        // Already enabled (a second tab, a double click): show the current state.
        Ok(()) | Err(StoreError::Conflict) => {}
        Err(other) => return Err(other.into()),
    }
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
    let user = own_account(&state, &signed).await?;
    let layout = Layout::new(&signed.ctx, "two-factor-title");
    let required = required_for(&state, &user).await?;
    let Some(record) = state
        .store()
        .two_factor(user.id)
        .await?
        .filter(|r| !r.is_enabled())
    else {
        return Ok(Redirect::to("/account/two-factor").into_response());
    };
    let secret = unseal(&state, user.id, &record.secret_sealed)?;
    let step = totp::matching_step(&secret, &form.code, chrono::Utc::now().timestamp());
    let Some(step) = step else {
        let mut page = AccountPage::new(layout, enrolling(&user.login, secret)?, required);
        page.code_error = Some(page.layout.t.t("two-factor-error-code"));
        return Ok(unprocessable(render(&page)?));
    };
    let (codes, hashes) = recovery_codes_for(user.id)?;
    state
        .store()
        .confirm_two_factor(user.id, step, &hashes)
        .await?;
    audit::record(
        &state,
        AuditEvent::TwoFactorEnabled,
        Concerning::own(user.id),
        &address,
        "",
    )
    .await?;
    Ok(render(&AccountPage::new(layout, Mode::Codes(codes), required))?.into_response())
}

/// New recovery codes for `user` and the hashes to store.
fn recovery_codes_for(user: UserId) -> Result<(Vec<String>, Vec<[u8; 32]>), AppError> {
    let codes = totp::new_recovery_codes()?;
    let hashes = codes
        .iter()
        .map(|c| totp::recovery_code_hash(user, c))
        .collect();
    Ok((codes, hashes))
}

/// Checks a code from the authenticator against the enabled second factor, once.
async fn accept_code(state: &AppState, user: UserId, typed: &str) -> Result<bool, AppError> {
    let Some(record) = state
        .store()
        .two_factor(user)
        .await?
        .filter(|r| r.is_enabled())
    else {
        return Ok(false);
    };
    let secret = unseal(state, user, &record.secret_sealed)?;
    match totp::matching_step(&secret, typed, chrono::Utc::now().timestamp()) {
        Some(step) => Ok(state.store().accept_totp_step(user, step).await?),
        None => Ok(false),
    }
}

pub(super) async fn new_recovery_codes(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let user = own_account(&state, &signed).await?;
    let layout = Layout::new(&signed.ctx, "two-factor-title");
    let required = required_for(&state, &user).await?;
    if !accept_code(&state, user.id, &form.code).await? {
        let mut page = AccountPage::new(layout, current_mode(&state, &user).await?, required);
        page.code_error = Some(page.layout.t.t("two-factor-error-code"));
        return Ok(unprocessable(render(&page)?));
    }
    let (codes, hashes) = recovery_codes_for(user.id)?;
    state
        .store()
        .replace_recovery_codes(user.id, &hashes)
        .await?;
    audit::record(
        &state,
        AuditEvent::RecoveryCodesRenewed,
        Concerning::own(user.id),
        &address,
        "",
    )
    .await?;
    Ok(render(&AccountPage::new(layout, Mode::Codes(codes), required))?.into_response())
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
    let user = own_account(&state, &signed).await?;
    let layout = Layout::new(&signed.ctx, "two-factor-title");
    let required = required_for(&state, &user).await?;
    let password_ok = password::verify_blocking(form.password, user.password_hash.clone()).await;
    if required || !password_ok {
        let mut page = AccountPage::new(layout, current_mode(&state, &user).await?, required);
        let key = if required {
            "two-factor-required-staff"
        } else {
            "password-error-current"
        };
        page.password_error = Some(page.layout.t.t(key));
        return Ok(unprocessable(render(&page)?));
    }
    if state.store().remove_two_factor(user.id).await? {
        audit::record(
            &state,
            AuditEvent::TwoFactorDisabled,
            Concerning::own(user.id),
            &address,
            "",
        )
        .await?;
    }
    Ok(Redirect::to("/account/two-factor?disabled=1").into_response())
}

/// After a correct password: does the account need a second step? If so, remembers the
/// pending sign-in and answers with the redirect to it.
pub(super) async fn second_step(
    state: &AppState,
    user: &UserRecord,
    next: &str,
) -> Result<Option<Response>, AppError> {
    let enabled = state
        .store()
        .two_factor(user.id)
        .await?
        .is_some_and(|r| r.is_enabled());
    if !enabled {
        return Ok(None);
    }
    let (token, hash) = session::new_token()?;
    state
        .store()
        .create_pending_sign_in(
            user.id,
            &hash,
            chrono::Utc::now() + Duration::minutes(PENDING_MINUTES),
        )
        .await?;
    let location = format!(
        "/login/two-factor?next={}",
        percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut response = Redirect::to(&location).into_response();
    session::append_set_cookie(
        response.headers_mut(),
        pending_cookie(state, &token, PENDING_MINUTES * 60)?,
    );
    Ok(Some(response))
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

/// The pending sign-in the request's cookie names.
async fn pending(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(UserRecord, [u8; 32])>, AppError> {
    let Some(hash) = session::read_cookie(headers, pending_cookie_name(state))
        .and_then(|t| session::token_hash(&t))
    else {
        return Ok(None);
    };
    let Some(user) = state
        .store()
        .pending_sign_in(&hash, supportweb_storage::now())
        .await?
    else {
        return Ok(None);
    };
    Ok(state.store().user(user).await?.map(|u| (u, hash)))
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
    if pending(&state, &headers).await?.is_none() {
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
    let Some((user, pending_hash)) = pending(&state, &headers).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let t = Tr::new(ctx.lang);
    let page = |error: String| SecondStepPage {
        layout: Layout::new(&ctx, "two-factor-login-title"),
        next: next.clone(),
        error: Some(error),
    };
    // Wrong codes count against the same limit as wrong passwords.
    let key = login_key(&user.login);
    let now = supportweb_storage::now();
    if let Some(until) = super::login::blocked_until(&state, &key, &address, now).await? {
        let minutes = (until - now).num_minutes() + 1;
        let body = render(&page(t.tn("login-error-throttled", "minutes", minutes)))?;
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            axum::Extension(KeepBody),
            body,
        )
            .into_response());
    }
    let by_code = accept_code(&state, user.id, &form.code).await?;
    let by_recovery = !by_code
        && state
            .store()
            .use_recovery_code(user.id, &totp::recovery_code_hash(user.id, &form.code))
            .await?;
    if !by_code && !by_recovery {
        state
            .store()
            .record_login_failure(&key, &address, now)
            .await?;
        audit::record(
            &state,
            AuditEvent::SecondFactorFailed,
            Concerning::own(user.id),
            &address,
            "",
        )
        .await?;
        return Ok(unprocessable(render(&page(t.t("two-factor-error-code")))?));
    }
    state.store().end_pending_sign_in(&pending_hash).await?;
    state.store().clear_login_failures(&key).await?;
    if by_recovery {
        audit::record(
            &state,
            AuditEvent::RecoveryCodeUsed,
            Concerning::own(user.id),
            &address,
            "",
        )
        .await?;
    }
    let mut response =
        super::login::complete_sign_in(&state, &headers, &user, &address, &next).await?;
    session::append_set_cookie(response.headers_mut(), pending_cookie(&state, "", 0)?);
    Ok(response)
}
