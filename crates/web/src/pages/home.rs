//! The start page after sign-in: "my work" — what the user should do next, block by block,
//! each with its count, its first items and a link to the overview with the same filters —
//! and the support situation of the user's organisations (or, for staff, their account
//! teams' contracts ending within 30 days). The account's details live on `/account`.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use supportweb_app::work::{MyWork, WorkBlock};
use supportweb_domain::calendar::prague_time;

use super::layout::{Layout, NavLink, render};
use super::organisation::{SupportStatus, format_date};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// A line that needs the user's attention.
pub struct Notice {
    /// The text.
    pub text: String,
    /// `warning` or `danger`.
    pub level: &'static str,
}

/// One item of a block as shown.
struct ItemRow {
    href: String,
    label: String,
    meta: String,
    urgent: bool,
}

/// One block as shown.
struct BlockRow {
    id: &'static str,
    title: String,
    count: String,
    href: String,
    items: Vec<ItemRow>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    greeting: String,
    agendas: Vec<NavLink>,
    blocks: Vec<BlockRow>,
    notices: Vec<Notice>,
    team_notices: Vec<Notice>,
}

fn block_row(t: &Tr, block: WorkBlock) -> BlockRow {
    let id = block.kind.as_str();
    BlockRow {
        id,
        title: t.t(format!("work-{id}")),
        count: if block.more {
            format!("{}+", block.count)
        } else {
            block.count.to_string()
        },
        href: block.href,
        items: block
            .items
            .into_iter()
            .map(|item| {
                let mut meta: Vec<String> = Vec::new();
                if !item.organisation.is_empty() {
                    meta.push(item.organisation);
                }
                if let Some(due) = item.due {
                    meta.push(t.t1(
                        "work-due",
                        "when",
                        &prague_time(due).format("%-d. %-m. %Y %H:%M").to_string(),
                    ));
                } else if let Some(day) = item.due_day {
                    meta.push(t.t1("work-due", "when", &format_date(t, day)));
                }
                ItemRow {
                    href: item.path,
                    label: if item.number.is_empty() {
                        item.title
                    } else {
                        format!("{} · {}", item.number, item.title)
                    },
                    meta: meta.join(" · "),
                    urgent: item.urgent,
                }
            })
            .collect(),
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let layout = Layout::new(&signed.ctx, "home-title");
    let t = layout.t;
    let actor = &signed.actor;
    let MyWork { blocks, contracts } = state.app().my_work(actor).await?;
    let today = supportweb_app::today();
    let mut notices = Vec::new();
    let mut team_notices = Vec::new();
    for note in contracts {
        let notice = if !note.entitled {
            Notice {
                text: t.t1("home-not-entitled", "organisation", &note.organisation),
                level: "danger",
            }
        } else if let Some(last) = note.ends_on {
            Notice {
                text: format!(
                    "{}: {}",
                    note.organisation,
                    SupportStatus::ending(&t, last, today)
                ),
                level: "warning",
            }
        } else {
            continue;
        };
        if actor.is_staff() {
            team_notices.push(notice);
        } else {
            notices.push(notice);
        }
    }
    render(&HomePage {
        greeting: t.t1("home-greeting", "name", &actor.display_name),
        agendas: layout.nav.clone(),
        blocks: blocks.into_iter().map(|b| block_row(&t, b)).collect(),
        notices,
        team_notices,
        layout,
    })
}
