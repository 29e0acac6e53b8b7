//! The start page after sign-in: the user's account and what needs attention — support
//! ending within 30 days (for the customer and for its account team) or missing.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::account::AccountSummary;
use super::layout::{Layout, NavLink, render};
use super::organisation::SupportStatus;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// A line that needs the user's attention.
pub struct Notice {
    /// The text.
    pub text: String,
    /// `warning` or `danger`.
    pub level: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    greeting: String,
    account: AccountSummary,
    agendas: Vec<NavLink>,
    notices: Vec<Notice>,
    team_notices: Vec<Notice>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let layout = Layout::new(&signed.ctx, "home-title");
    let t = layout.t;
    let start = state.app().start_page(&signed.actor).await?;
    let user = start.account;
    let today = supportweb_app::today();

    let mut notices = Vec::new();
    for (organisation, contracts) in start.organisations {
        let status = SupportStatus::new(&t, &contracts, today);
        if !status.entitled {
            notices.push(Notice {
                text: t.t1("home-not-entitled", "organisation", &organisation.name),
                level: "danger",
            });
        } else if let Some(ending) = status.ending {
            notices.push(Notice {
                text: format!("{}: {ending}", organisation.name),
                level: "warning",
            });
        }
    }

    let mut team_notices = Vec::new();
    for (organisation, contracts) in start.team_organisations {
        if let Some(ending) = SupportStatus::new(&t, &contracts, today).ending {
            team_notices.push(Notice {
                text: format!("{}: {ending}", organisation.name),
                level: "warning",
            });
        }
    }

    let account = AccountSummary::new(&t, &user);
    render(&HomePage {
        greeting: t.t1("home-greeting", "name", &user.display_name),
        agendas: layout.nav.clone(),
        account,
        notices,
        team_notices,
        layout,
    })
}
