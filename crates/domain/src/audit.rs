//! Security-relevant events that the audit log keeps.

use serde::Serialize;

/// A kind of audited event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    /// A successful sign-in.
    SignIn,
    /// A failed sign-in (wrong password, unknown or inactive account).
    SignInFailed,
    /// A sign-in refused by throttling.
    SignInThrottled,
    /// A sign-out.
    SignOut,
    /// Staff created an account.
    AccountCreated,
    /// Staff issued an activation link.
    ActivationLinkIssued,
    /// A user activated the account (chose a password).
    AccountActivated,
    /// Staff deactivated an account.
    AccountDeactivated,
    /// Staff reactivated an account.
    AccountReactivated,
    /// A user changed the password.
    PasswordChanged,
    /// A membership's rights were granted or changed.
    MembershipChanged,
    /// A remote-access entry was added or replaced.
    RemoteAccessChanged,
    /// A remote-access secret was revealed to staff.
    SecretRevealed,
    /// A user created a personal API token.
    ApiTokenCreated,
    /// A user revoked a personal API token.
    ApiTokenRevoked,
    /// A personal API token was used (recorded at most once an hour per token).
    ApiTokenUsed,
    /// A user turned on two-factor sign-in.
    TwoFactorEnabled,
    /// A user turned off two-factor sign-in.
    TwoFactorDisabled,
    /// An administrator reset a user's two-factor sign-in.
    TwoFactorReset,
    /// A user replaced the two-factor recovery codes.
    RecoveryCodesRenewed,
    /// A recovery code was used to sign in.
    RecoveryCodeUsed,
    /// A wrong second-factor code at sign-in.
    SecondFactorFailed,
    /// An administrator changed portal-wide security settings.
    SecuritySettingsChanged,
    /// Staff created a support contract.
    ContractCreated,
    /// Staff changed a support contract.
    ContractChanged,
    /// A validation code was shown to a user.
    ValidationCodeRevealed,
    /// Staff issued, changed or imported validation codes.
    ValidationCodesIssued,
    /// Staff decided about a held incoming e-mail (attached, opened a document, discarded).
    HeldMailDecided,
}

impl AuditEvent {
    /// Every event kind.
    pub const ALL: [AuditEvent; 28] = [
        AuditEvent::SignIn,
        AuditEvent::SignInFailed,
        AuditEvent::SignInThrottled,
        AuditEvent::SignOut,
        AuditEvent::AccountCreated,
        AuditEvent::ActivationLinkIssued,
        AuditEvent::AccountActivated,
        AuditEvent::AccountDeactivated,
        AuditEvent::AccountReactivated,
        AuditEvent::PasswordChanged,
        AuditEvent::MembershipChanged,
        AuditEvent::RemoteAccessChanged,
        AuditEvent::SecretRevealed,
        AuditEvent::ApiTokenCreated,
        AuditEvent::ApiTokenRevoked,
        AuditEvent::ApiTokenUsed,
        AuditEvent::TwoFactorEnabled,
        AuditEvent::TwoFactorDisabled,
        AuditEvent::TwoFactorReset,
        AuditEvent::RecoveryCodesRenewed,
        AuditEvent::RecoveryCodeUsed,
        AuditEvent::SecondFactorFailed,
        AuditEvent::SecuritySettingsChanged,
        AuditEvent::ContractCreated,
        AuditEvent::ContractChanged,
        AuditEvent::ValidationCodeRevealed,
        AuditEvent::ValidationCodesIssued,
        AuditEvent::HeldMailDecided,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::SignIn => "sign_in",
            AuditEvent::SignInFailed => "sign_in_failed",
            AuditEvent::SignInThrottled => "sign_in_throttled",
            AuditEvent::SignOut => "sign_out",
            AuditEvent::AccountCreated => "account_created",
            AuditEvent::ActivationLinkIssued => "activation_link_issued",
            AuditEvent::AccountActivated => "account_activated",
            AuditEvent::AccountDeactivated => "account_deactivated",
            AuditEvent::AccountReactivated => "account_reactivated",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::MembershipChanged => "membership_changed",
            AuditEvent::RemoteAccessChanged => "remote_access_changed",
            AuditEvent::SecretRevealed => "secret_revealed",
            AuditEvent::ApiTokenCreated => "api_token_created",
            AuditEvent::ApiTokenRevoked => "api_token_revoked",
            AuditEvent::ApiTokenUsed => "api_token_used",
            AuditEvent::TwoFactorEnabled => "two_factor_enabled",
            AuditEvent::TwoFactorDisabled => "two_factor_disabled",
            AuditEvent::TwoFactorReset => "two_factor_reset",
            AuditEvent::RecoveryCodesRenewed => "recovery_codes_renewed",
            AuditEvent::RecoveryCodeUsed => "recovery_code_used",
            AuditEvent::SecondFactorFailed => "second_factor_failed",
            AuditEvent::SecuritySettingsChanged => "security_settings_changed",
            AuditEvent::ContractCreated => "contract_created",
            AuditEvent::ContractChanged => "contract_changed",
            AuditEvent::ValidationCodeRevealed => "validation_code_revealed",
            AuditEvent::ValidationCodesIssued => "validation_codes_issued",
            AuditEvent::HeldMailDecided => "held_mail_decided",
        }
    }

    /// Parses [`AuditEvent::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }
}
