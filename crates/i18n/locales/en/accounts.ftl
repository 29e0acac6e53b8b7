# Supportweb — English — accounts

## Accounts administration
nav-accounts = Accounts
accounts-title = Accounts
account-title = Account
account-name = Name
account-detail = Roles or organisations
account-state = State
account-state-active = active
account-state-waiting = awaiting activation
account-state-inactive = deactivated
account-new-title = New account
account-staff-roles = Vendor staff roles
account-membership = Membership in an organisation (customers and partners)
account-organisation = Organisation
account-new-hint = The user receives an activation link valid for 72 hours and chooses a password themselves.
account-create = Create account
account-created-title = Account created
account-link-hint = Hand this link to the user. It is valid for 72 hours and works once; with it the user chooses a password.
account-deactivate = Deactivate (ends every session)
account-reactivate = Reactivate
account-new-link = New activation link
account-error-kind = Choose the account type.
account-error-staff-admin-only = Only administrators create vendor staff accounts.
account-error-login = A login name has 3 to 64 characters: letters a–z, digits and . _ - @.
account-error-login-taken = This login name already exists.
account-error-name = Fill in the name (at most 200 characters).
account-error-email = Enter a valid e-mail address.
account-error-roles = A staff member needs at least one role.
account-error-organisation = Choose the organisation the user belongs to.
form-has-errors = The form has errors; they are marked at the fields.
list-next-page = Next page
login-activated = Your password is set. Please sign in.
activate-title = Account activation
activate-intro = Hello, { $name }. Choose a password for your account
activate-password = New password
activate-password-again = New password again
activate-rules = A password has at least 10 characters.
activate-submit = Set password
activate-invalid = The activation link is not valid: it has expired, was already used, or does not exist. Ask the vendor for a new one.
activate-error-short = A password needs at least 10 characters.
activate-error-long = A password may have at most 1024 characters.
activate-error-mismatch = The passwords differ.

## Password change
password-title = Change password
password-current = Current password
password-hint = Changing the password ends every other session of this account (on other devices).
password-submit = Change password
password-changed = Your password is changed. Other sessions have been ended.
password-error-current = The current password is not correct.

## API tokens
tokens-title = API tokens
tokens-intro = Personal tokens for the JSON API (/api/v1). A token acts on your behalf and sees exactly what you see; send it as "Authorization: Bearer …".
tokens-none = You have no tokens.
token-created = The token is created. Copy it now — it cannot be shown again.
token-name = Name
token-scope = Permission
token-scope-read = read only
token-scope-read-write = read and write
token-created-at = Created
token-expires = Valid until
token-last-used = Last used
token-never-used = never
token-state-active = active
token-state-expired = expired
token-state-revoked = revoked
token-revoke = Revoke
token-new = New token
token-days = Validity (days, 1–365)
token-create = Create token
token-error-name = Fill in a name (at most 100 characters).
token-error-days = Enter a number of days from 1 to 365.

## Two-factor sign-in
two-factor-title = Two-factor sign-in
two-factor-intro = With two-factor sign-in, signing in needs a six-digit code from an authenticator app on your phone (for example FreeOTP, Aegis, Google or Microsoft Authenticator) as well as your password.
two-factor-required-staff = Administrators require two-factor sign-in for all vendor staff: set it up to continue. It cannot be turned off.
two-factor-disabled = Two-factor sign-in is turned off.
two-factor-state-off = Two-factor sign-in is off.
two-factor-state-on = Two-factor sign-in is on.
two-factor-setup = Set up two-factor sign-in
two-factor-step-scan = Scan the QR code with your authenticator app, or type the key below into it.
two-factor-step-confirm = Enter the six-digit code the app shows, to prove it works.
two-factor-secret = Key for typing in:
two-factor-code = Code from the authenticator app
two-factor-confirm = Turn on
two-factor-error-code = That code is not right. Check that the phone's clock is correct and enter the code currently shown.
two-factor-recovery-left = { $count ->
    [one] You have { $count } unused recovery code.
   *[other] You have { $count } unused recovery codes.
}
two-factor-renew-title = New recovery codes
two-factor-renew = Issue new recovery codes
two-factor-disable-title = Turn off
two-factor-disable = Turn off two-factor sign-in
two-factor-codes-title = Recovery codes
two-factor-codes-once = Keep these codes somewhere safe, away from your phone. Each one signs you in once if you lose the authenticator. They are shown only now.
two-factor-codes-done = I have stored the codes
two-factor-login-title = Confirm sign-in
two-factor-login-intro = Your account uses two-factor sign-in.
two-factor-login-code = Code from the authenticator app, or a recovery code
two-factor-login-lost = Lost your phone and your recovery codes? Ask the vendor's administrator to reset two-factor sign-in for your account.
two-factor-required-api = Administrators require two-factor sign-in for vendor staff. Set it up in the portal first.
nav-two-factor = Two-factor sign-in
account-two-factor = Two-factor sign-in
account-two-factor-on = on
account-two-factor-off = off
account-two-factor-reset = Reset two-factor sign-in
account-two-factor-was-reset = Two-factor sign-in was reset. The user can sign in with the password alone and set it up again.
security-title = Security settings
security-intro = Settings that apply to the whole portal.
security-require-staff = Require two-factor sign-in for all vendor staff
security-require-staff-hint = Staff without two-factor sign-in can only set it up until they do; their API tokens stop working until then.
security-save = Save
security-saved = Settings saved.
nav-security = Security
