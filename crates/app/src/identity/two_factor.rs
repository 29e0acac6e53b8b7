//! Two-factor sign-in for one's own account: enrolment (a secret sealed at rest, confirmed by
//! a first code), ten recovery codes shown once, new recovery codes, turning it off (never
//! while administrators require it of staff). Each change is audited with it.

use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::UserId;
use supportweb_domain::user::UserKind;
use supportweb_storage::StoreError;

use super::{Identity, UserRecord, passwords, totp};
use crate::audit::{Concerning, entry};
use crate::{Error, Result};

/// Issuer shown in authenticator apps.
pub const ISSUER: &str = "Supportweb";

/// Where the account's second factor stands.
#[derive(Debug)]
pub enum TwoFactor {
    /// Not set up.
    Off,
    /// Set-up started: the secret to scan (as a `otpauth://` address) or type.
    Enrolling {
        /// The secret, base32.
        secret: String,
        /// The provisioning address for the QR code.
        uri: String,
    },
    /// Enabled, with this many unused recovery codes.
    On {
        /// Unused recovery codes.
        recovery_left: i64,
    },
}

/// The account's second factor and whether it may be turned off.
#[derive(Debug)]
pub struct TwoFactorPage {
    /// Its state.
    pub state: TwoFactor,
    /// Staff while administrators require it: it stays on.
    pub required: bool,
}

/// New recovery codes for `user` and the hashes to store.
fn recovery_codes_for(user: UserId) -> Result<(Vec<String>, Vec<[u8; 32]>)> {
    let codes = totp::new_recovery_codes()?;
    let hashes = codes
        .iter()
        .map(|c| totp::recovery_code_hash(user, c))
        .collect();
    Ok((codes, hashes))
}

impl Identity<'_> {
    fn unseal(&self, user: UserId, sealed: &[u8]) -> Result<String> {
        self.app
            .settings()
            .secret_key
            .open(&totp::seal_context(user), sealed)
            .map_err(|_| Error::Internal("two-factor secret cannot be opened".into()))
    }

    /// Whether the actor may not turn its second factor off: staff, when required.
    pub async fn two_factor_required(&self, actor: &Actor) -> Result<bool> {
        self.required_for(&self.own_account(actor).await?).await
    }

    /// Whether this account may not turn its second factor off: staff, when required.
    async fn required_for(&self, account: &UserRecord) -> Result<bool> {
        Ok(account.kind == UserKind::Staff && self.app.store().staff_two_factor_required().await?)
    }

    /// The actor's second factor as its page shows it.
    pub async fn two_factor(&self, actor: &Actor) -> Result<TwoFactorPage> {
        let account = self.own_account(actor).await?;
        let store = self.app.store();
        let state = match store.two_factor(account.id).await? {
            None => TwoFactor::Off,
            Some(record) if record.is_enabled() => TwoFactor::On {
                recovery_left: store.unused_recovery_codes(account.id).await?,
            },
            Some(record) => {
                let secret = self.unseal(account.id, &record.secret_sealed)?;
                TwoFactor::Enrolling {
                    uri: totp::provisioning_uri(ISSUER, &account.login, &secret),
                    secret,
                }
            }
        };
        Ok(TwoFactorPage {
            required: self.required_for(&account).await?,
            state,
        })
    }

    /// Starts setting up a second factor with a new secret. Already enabled (a second tab,
    /// a double click): nothing changes.
    pub async fn begin_two_factor(&self, actor: &Actor) -> Result<()> {
        let account = self.own_account(actor).await?;
        let secret = totp::new_secret()?;
        let sealed = self
            .app
            .settings()
            .secret_key
            .seal(&totp::seal_context(account.id), &secret)
            .map_err(|_| Error::Internal("sealing failed".into()))?;
        let mut tx = self.app.store().begin().await?;
        match tx.begin_two_factor(account.id, &sealed).await {
            Ok(()) => {}
            Err(StoreError::Conflict) => return Ok(()),
            Err(other) => return Err(other.into()),
        }
        tx.commit().await?;
        Ok(())
    }

    /// Checks a code from the authenticator against the enabled second factor, once.
    pub(crate) async fn accept_code(&self, user: UserId, typed: &str) -> Result<bool> {
        let store = self.app.store();
        let Some(record) = store.two_factor(user).await?.filter(|r| r.is_enabled()) else {
            return Ok(false);
        };
        let secret = self.unseal(user, &record.secret_sealed)?;
        match totp::matching_step(&secret, typed, chrono::Utc::now().timestamp()) {
            Some(step) => Ok(store.accept_totp_step(user, step).await?),
            None => Ok(false),
        }
    }

    /// Confirms the set-up with a first code; returns the recovery codes (shown this once).
    /// Not enrolling: `None`. A wrong code is a problem of field `code`.
    pub async fn confirm_two_factor(
        &self,
        actor: &Actor,
        code: &str,
        address: &str,
    ) -> Result<Option<Vec<String>>> {
        let account = self.own_account(actor).await?;
        let store = self.app.store();
        let Some(record) = store
            .two_factor(account.id)
            .await?
            .filter(|r| !r.is_enabled())
        else {
            return Ok(None);
        };
        let secret = self.unseal(account.id, &record.secret_sealed)?;
        let Some(step) = totp::matching_step(&secret, code, chrono::Utc::now().timestamp()) else {
            return Err(Error::field("code", "two-factor-error-code"));
        };
        let (codes, hashes) = recovery_codes_for(account.id)?;
        let mut tx = store.begin().await?;
        tx.confirm_two_factor(account.id, step, &hashes).await?;
        tx.record_audit(&[entry(
            AuditEvent::TwoFactorEnabled,
            Concerning::own(account.id),
            address,
            "",
        )])
        .await?;
        tx.commit().await?;
        Ok(Some(codes))
    }

    /// New recovery codes (the old ones stop working), against a current code.
    pub async fn new_recovery_codes(
        &self,
        actor: &Actor,
        code: &str,
        address: &str,
    ) -> Result<Vec<String>> {
        let account = self.own_account(actor).await?;
        if !self.accept_code(account.id, code).await? {
            return Err(Error::field("code", "two-factor-error-code"));
        }
        let (codes, hashes) = recovery_codes_for(account.id)?;
        let mut tx = self.app.store().begin().await?;
        tx.replace_recovery_codes(account.id, &hashes).await?;
        tx.record_audit(&[entry(
            AuditEvent::RecoveryCodesRenewed,
            Concerning::own(account.id),
            address,
            "",
        )])
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns the second factor off, against the password; never while it is required.
    pub async fn disable_two_factor(
        &self,
        actor: &Actor,
        password: String,
        address: &str,
    ) -> Result<()> {
        let account = self.own_account(actor).await?;
        if self.required_for(&account).await? {
            return Err(Error::field("password", "two-factor-required-staff"));
        }
        if !passwords::verify_blocking(password, account.password_hash.clone()).await {
            return Err(Error::field("password", "password-error-current"));
        }
        let mut tx = self.app.store().begin().await?;
        if tx.remove_two_factor(account.id).await? {
            tx.record_audit(&[entry(
                AuditEvent::TwoFactorDisabled,
                Concerning::own(account.id),
                address,
                "",
            )])
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
