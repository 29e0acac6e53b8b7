//! The audit log for administrators: filters by event, account and dates; newest first,
//! keyset-paged.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::calendar::{from_prague_time, prague_time};
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_storage::audit::{AuditFilter, AuditRecord};

use super::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::{Tr, event_key};
use crate::middleware::KeepBody;
use crate::state::AppState;

const PAGE_SIZE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub(super) struct AuditQuery {
    #[serde(default)]
    event: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

/// One row as shown.
pub struct AuditRow {
    when: String,
    event: String,
    actor: String,
    subject: String,
    organisation: String,
    address: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    layout: Layout,
    query: AuditQuery,
    events: Vec<(String, String, bool)>,
    errors: BTreeMap<&'static str, String>,
    rows: Vec<AuditRow>,
    older: Option<String>,
}

impl AuditPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

fn row(t: &Tr, record: AuditRecord) -> AuditRow {
    AuditRow {
        when: prague_time(record.occurred_at)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        event: t.t(event_key(&record.event)),
        actor: record.actor_name.unwrap_or_default(),
        subject: record.subject_name.unwrap_or_default(),
        organisation: record.organisation_name.unwrap_or_default(),
        address: record.address,
        detail: record.detail,
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    if !signed
        .actor
        .staff_may(Area::Admin(AdminArea::Audit), Action::Read)
    {
        return Err(AppError::NotFound);
    }
    let layout = Layout::new(&signed.ctx, "audit-title");
    let t = layout.t;
    let mut errors = BTreeMap::new();
    let mut filter = AuditFilter::default();
    if !query.event.is_empty() {
        match AuditEvent::parse(&query.event) {
            Some(event) => filter.event = Some(event),
            None => {
                errors.insert("event", t.t("audit-error-event"));
            }
        }
    }
    let mut unknown_login = false;
    if !query.login.trim().is_empty() {
        match state.store().user_by_login(&query.login).await? {
            Some(user) => filter.user = Some(user.id),
            None => {
                unknown_login = true;
                errors.insert("login", t.t("audit-error-login"));
            }
        }
    }
    let day = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    if !query.from.is_empty() {
        match day(&query.from) {
            Some(d) => filter.from = Some(from_prague_time(d.and_time(chrono::NaiveTime::MIN))),
            None => {
                errors.insert("from", t.t("audit-error-date"));
            }
        }
    }
    if !query.to.is_empty() {
        match day(&query.to).and_then(|d| d.succ_opt()) {
            Some(d) => filter.until = Some(from_prague_time(d.and_time(chrono::NaiveTime::MIN))),
            None => {
                errors.insert("to", t.t("audit-error-date"));
            }
        }
    }
    let before = query.before.parse::<uuid::Uuid>().ok();
    let records = if errors.is_empty() && !unknown_login {
        state.store().audit_page(&filter, before, PAGE_SIZE).await?
    } else {
        Vec::new()
    };
    let older = (records.len() == PAGE_SIZE as usize)
        .then(|| records.last().map(|r| r.id.to_string()))
        .flatten();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        events: AuditEvent::ALL
            .into_iter()
            .map(|e| {
                (
                    e.as_str().to_owned(),
                    t.t(event_key(e.as_str())),
                    query.event == e.as_str(),
                )
            })
            .collect(),
        rows: records.into_iter().map(|r| row(&t, r)).collect(),
        older,
        errors,
        query,
        layout,
    };
    Ok((status, axum::Extension(KeepBody), render(&page)?).into_response())
}
