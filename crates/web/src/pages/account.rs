//! The signed-in user's own account, as shown on the start page.

use supportweb_app::identity::UserRecord;
use supportweb_domain::user::UserKind;

use crate::i18n::Tr;

/// What the start page shows about the user's own account.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    /// Login name.
    pub login: String,
    /// E-mail.
    pub email: String,
    /// "Staff" / "Customer user" in the user's language.
    pub kind: String,
    /// Role names in the user's language.
    pub roles: Vec<String>,
}

impl AccountSummary {
    /// Summarises `user` in the language of `t`.
    pub fn new(t: &Tr, user: &UserRecord) -> Self {
        AccountSummary {
            login: user.login.clone(),
            email: user.email.clone(),
            kind: t.t(match user.kind {
                UserKind::Staff => "user-kind-staff",
                UserKind::Customer => "user-kind-customer",
                UserKind::Partner => "user-kind-partner",
            }),
            roles: user
                .roles
                .iter()
                .map(|r| t.t(crate::i18n::role_key(r.as_str())))
                .collect(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: super::layout::Layout,
    name: String,
    account: AccountSummary,
}

/// The account page (`/account`): the user's login, e-mail, kind and roles, with the
/// settings that belong to the account.
pub(super) async fn show(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    signed: crate::context::SignedIn,
) -> Result<axum::response::Html<String>, crate::error::AppError> {
    let layout = super::layout::Layout::new(&signed.ctx, "home-account");
    let user = state.app().identity().own_account(&signed.actor).await?;
    super::layout::render(&AccountPage {
        account: AccountSummary::new(&layout.t, &user),
        name: user.display_name,
        layout,
    })
}
