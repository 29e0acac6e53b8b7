//! The audit log for administrators: filters by event, account and dates; newest first,
//! keyset-paged (`supportweb_app::administration::audit_log`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use supportweb_app::administration::audit_log::{AuditParams, AuditRecord};
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::calendar::prague_time;

use super::form::FormErrors;
use super::layout::Layout;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::{Tr, event_key};
use crate::pages::layout::again;
use crate::state::AppState;

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
    query: AuditParams,
    events: Vec<(String, String, bool)>,
    errors: FormErrors,
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
    Query(query): Query<AuditParams>,
) -> Result<Response, AppError> {
    let (page, problems) = state
        .app()
        .administration()
        .audit_log(&signed.actor, &query)
        .await?;
    let layout = Layout::new(&signed.ctx, "audit-title");
    let t = layout.t;
    let status = if problems.is_empty() {
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
        rows: page.rows.into_iter().map(|r| row(&t, r)).collect(),
        older: page.next,
        errors: FormErrors::from_fields(&problems, &t),
        query,
        layout,
    };
    again(status, &page)
}
