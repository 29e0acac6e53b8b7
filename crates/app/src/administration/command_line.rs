//! Account administration from the command line (`supportweb admin …`), for whoever runs the
//! server: a lost administrator password, an account to stop at once, who the administrators
//! are. There is no signed-in actor; every change is audited as done "from the command line"
//! with no actor.

use supportweb_domain::audit::AuditEvent;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::users::UserRecord;

use super::Administration;
use crate::Error;
use crate::audit::{Concerning, entry};

/// The client address audit entries of the command line carry.
pub const COMMAND_LINE: &str = "command line";

/// Why a command refused: one line for the operator, naming the option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// What a command-line use case answers: done, refused (exit 2) or failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad input: one line, exit code 2.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The database or the application failed.
    #[error(transparent)]
    Failed(#[from] Error),
}

impl From<supportweb_storage::StoreError> for CommandError {
    fn from(error: supportweb_storage::StoreError) -> Self {
        CommandError::Failed(error.into())
    }
}

/// The audit entry of a change made from the command line to `account` (no actor).
fn by_command_line(
    event: AuditEvent,
    account: &UserRecord,
    detail: &str,
) -> supportweb_storage::audit::NewAuditEvent {
    entry(
        event,
        Concerning {
            actor: None,
            subject: Some(account.id),
            organisation: None,
        },
        COMMAND_LINE,
        detail,
    )
}

impl Administration<'_> {
    /// The account with `login`, or a refusal naming it.
    async fn by_login(&self, login: &str) -> std::result::Result<UserRecord, CommandError> {
        let login = login.trim();
        if login.is_empty() {
            return Err(Refused("--login: must not be empty".into()).into());
        }
        self.app
            .store()
            .user_by_login(login)
            .await?
            .ok_or_else(|| Refused(format!("--login: no account is named {login:?}")).into())
    }

    /// Resets an account's password: the password stops working, every session, API token
    /// and half-done sign-in ends, and a one-time activation link (valid 72 hours) is
    /// returned for choosing a new one; audited.
    pub async fn reset_password_from_command_line(
        &self,
        login: &str,
    ) -> std::result::Result<String, CommandError> {
        let account = self.by_login(login).await?;
        if !account.is_active {
            return Err(Refused(format!(
                "--login: {:?} is deactivated; reactivate it in the portal first",
                account.login
            ))
            .into());
        }
        let mut tx = self.app.store().begin().await?;
        tx.clear_password(account.id).await?;
        tx.end_sessions_of(account.id).await?;
        tx.revoke_access(account.id).await?;
        let link = self.activation(&mut tx, account.id, account.id).await?;
        tx.record_audit(&[by_command_line(
            AuditEvent::ActivationLinkIssued,
            &account,
            "password reset from the command line",
        )])
        .await?;
        tx.commit().await?;
        tracing::info!(account = %account.id, "password reset from the command line");
        Ok(link)
    }

    /// Deactivates an account at once (its sessions end in the same transaction); audited.
    pub async fn deactivate_from_command_line(
        &self,
        login: &str,
    ) -> std::result::Result<String, CommandError> {
        let account = self.by_login(login).await?;
        if !account.is_active {
            return Err(Refused(format!(
                "--login: {:?} is already deactivated",
                account.login
            ))
            .into());
        }
        let mut tx = self.app.store().begin().await?;
        tx.set_user_active(account.id, false).await?;
        tx.record_audit(&[by_command_line(
            AuditEvent::AccountDeactivated,
            &account,
            "deactivated from the command line",
        )])
        .await?;
        tx.commit().await?;
        tracing::info!(account = %account.id, "account deactivated from the command line");
        Ok(account.login)
    }

    /// The administrators, active or not, by login.
    pub async fn administrators_for_command_line(
        &self,
    ) -> std::result::Result<Vec<UserRecord>, CommandError> {
        Ok(self
            .app
            .store()
            .users_with_role(StaffRole::Administrator)
            .await?
            .into_iter()
            .filter(|u| u.kind == UserKind::Staff)
            .collect())
    }
}
