# Supportweb — English

## Page layout
layout-skip-to-content = Skip to content
layout-agendas = Agendas
layout-language = Language
layout-language-switch = Change
layout-logout = Sign out
layout-footer = Supportweb — customer support portal

## Sign-in
login-title = Sign in
login-intro = Sign in with the account your vendor created for you.
login-name = Login name
login-password = Password
login-submit = Sign in
login-no-account = Accounts are created by the vendor; there is no self-registration. If you have no access, ask your project manager.
login-error-missing = Enter both your login name and your password.
login-error-invalid = The login name or password is not correct.
login-error-throttled = Too many failed sign-in attempts. Try again in { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
}.

## Sample data
demo-title = Sample accounts
demo-intro = The portal runs with sample data. Try any of these accounts.
demo-login = Login name
demo-password = Password
demo-role = Role
demo-organisation = Organisation

## Start page
home-title = Home
home-greeting = Hello, { $name }
home-agendas = Your agendas
home-account = My account
account-login = Login name
account-email = E-mail
account-kind = Account type
account-roles = Roles
user-kind-staff = Vendor staff
user-kind-customer = Customer user
count-accounts = { $count ->
    [one] { $count } account
   *[other] { $count } accounts
}

## Staff roles
role-administrator = Administrator
role-project-manager = Project manager
role-consultant = Consultant
role-technician = Technician
role-developer = Developer
role-customer = Customer user
role-partner = Partner user

## Agendas
agenda-protocols = Communication protocols
agenda-customization-orders = Customization orders
agenda-support-documents = Support documents
agenda-podpora = Podpora (downloads)

## Errors
error-status = Status
error-request-id = Request id
error-back-home = Back to the start page
error-unauthenticated-title = Not signed in
error-unauthenticated-detail = Please sign in first.
error-forbidden-title = Access denied
error-forbidden-detail = You are not allowed to do this.
error-cross-origin-title = Request refused
error-cross-origin-detail = The request did not come from this portal, so it was not carried out. Reload the page and try again.
error-not-found-title = Page not found
error-not-found-detail = The page or record does not exist, or you have no access to it.
error-method-title = Action not supported
error-method-detail = This action is not available at this address.
error-conflict-title = The record has changed
error-conflict-detail = Someone else changed the record meanwhile. Reload it and repeat your change.
error-invalid-title = Invalid input
error-invalid-detail = Some of the values are not filled in correctly.
error-too-large-title = File too large
error-too-large-detail = The file exceeds the size limit and was not stored.
error-media-type-title = Unsupported format
error-media-type-detail = The request body has an unsupported format.
error-range-title = Invalid range
error-range-detail = The requested byte range does not exist in the file.
error-unavailable-title = Temporarily unavailable
error-unavailable-detail = The portal cannot reach its database. Please try again in a moment.
error-internal-title = Portal error
error-internal-detail = Something went wrong on the portal's side. If it persists, give support the request id.
error-bad-request-title = Bad request
error-bad-request-detail = The request cannot be processed.
error-upload-interrupted-detail = The upload was interrupted; nothing was stored.
error-missing-file-detail = The request contains no file (field "file").
language-unknown = The portal does not support this language.

## My organisation
nav-my-organisation = My organisation
organisation-title = My organisation
organisation-address = Address
organisation-ico = Company ID (IČO)
organisation-dic = VAT ID (DIČ)
organisation-contact = Contact
organisation-public-body = Public body: orders may have to be published in the contracts register.
support-entitled = Support is active.
support-not-entitled = The organisation has no valid support contract. Its history stays readable, but new support documents cannot be opened. Please contact the vendor's account team listed below.
support-ends-on = The support contract ends on { $date }.
support-days-left = { $days ->
    [one] { $days } day left.
   *[other] { $days } days left.
}
contracts-title = Support contracts
contracts-none = The organisation has no support contract.
contract-number = Contract number
contract-validity = Validity
contract-state = State
contract-scope = Scope
contract-prepaid = Prepaid hours
contract-current = current
contract-state-active = active
contract-state-suspended = suspended
contract-state-ended = ended
hours = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}
team-title = Vendor's account team
team-empty = No account team has been assigned yet.
colleagues-title = Colleagues
member-inactive = (inactive)
my-rights-title = My rights
right-none = no access
right-read = read
right-write = read and write
flag-approve-orders = approves customization orders
flag-confirm-protocols = confirms communication protocols
flag-see-validation-codes = sees validation codes
flag-all-notifications = receives all notifications of the organisation
user-kind-partner = Partner user
home-expiring-title = Support ending
home-team-expiring-title = Your customers' contracts ending within 30 days
home-not-entitled = { $organisation }: no valid support contract.

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

## Audit
nav-audit = Audit
audit-title = Audit log
audit-event = Event
audit-any = all
audit-login = Account (login name)
audit-from = From
audit-to = To
audit-filter = Filter
audit-when = Time
audit-actor = Done by
audit-subject = Concerning
audit-address = Address
audit-detail = Details
audit-empty = No entries.
audit-older = Older entries
audit-error-event = Unknown event.
audit-error-login = There is no account with this login name.
audit-error-date = Enter a date as YYYY-MM-DD.
audit-event-sign-in = sign-in
audit-event-sign-in-failed = failed sign-in
audit-event-sign-in-throttled = sign-in blocked (too many attempts)
audit-event-sign-out = sign-out
audit-event-account-created = account created
audit-event-activation-link-issued = activation link issued
audit-event-account-activated = account activated
audit-event-account-deactivated = account deactivated
audit-event-account-reactivated = account reactivated
audit-event-password-changed = password changed
audit-event-membership-changed = rights in an organisation changed
audit-event-remote-access-changed = remote access changed
audit-event-secret-revealed = remote-access secret revealed
audit-event-api-token-created = API token created
audit-event-api-token-revoked = API token revoked
audit-event-api-token-used = API token used
audit-event-two-factor-enabled = two-factor sign-in turned on
audit-event-two-factor-disabled = two-factor sign-in turned off
audit-event-two-factor-reset = two-factor sign-in reset by an administrator
audit-event-recovery-codes-renewed = new recovery codes issued
audit-event-recovery-code-used = recovery code used to sign in
audit-event-second-factor-failed = wrong two-factor code
audit-event-security-settings-changed = security settings changed
audit-event-contract-created = contract created
audit-event-contract-changed = contract changed

## Organisation administration
nav-organisations = Organisations
organisations-title = Organisations
organisation-new-title = New organisation
organisation-admin-title = Organisation
organisation-details = Details
organisation-support-none = no valid contract
organisation-name = Name
organisation-kind = Kind
organisation-kind-customer = customer
organisation-kind-partner = partner
organisation-street = Street and number
organisation-city = City
organisation-postal-code = Postal code
organisation-email = E-mail
organisation-phone = Phone
organisation-public-body-label = Public body (orders are subject to the contracts register)
organisation-notes = Internal notes (vendor only)
organisation-create = Create organisation
organisation-save = Save changes
organisation-error-ico-format = An IČO has at most 8 digits.
organisation-error-ico-checksum = The IČO's check digit is not valid.
organisation-error-ico-taken = An organisation with this IČO already exists.
form-error-required = Fill in this field.
form-error-hours = Enter a number of hours (e.g. 2 or 1.5).
organisation-field-name = Name
organisation-field-kind = Kind
organisation-field-ico = IČO
organisation-field-dic = DIČ
organisation-field-street = Street and number
organisation-field-city = City
organisation-field-postal-code = Postal code
organisation-field-email = E-mail
organisation-field-phone = Phone
organisation-field-is-public-body = Public body
organisation-field-notes = Internal notes
history-title = Change history
history-empty = The record has not been changed yet.
history-field = Field
history-old = Before
history-new = After
team-add = Add to team
team-remove = Remove
team-error-user = Choose an active vendor staff member.
members-title = Members
contract-new-title = New contract
contract-valid-from = Valid from
contract-valid-to = Valid to
contract-sla = SLA in business hours
contract-response = Response (h)
contract-resolution = Resolution (h)
contract-create = Add contract
contract-error-order = The end of validity cannot precede its start.
contract-error-number-taken = A contract with this number already exists.
severity-critical = critical
severity-high = high
severity-medium = medium
severity-low = low

## Memberships
membership-set-title = Rights in an organisation
membership-set-hint = Saving grants or changes the rights in the organisation; they apply from the user's next request.
membership-set = Save rights
membership-remove = End membership
membership-error-staff = Vendor staff are not members of organisations; their roles decide what they may do.
membership-error-one-organisation = A customer user belongs to one organisation. Create a partner account for several organisations.

## Remote access
remote-title = Remote access
remote-none = No remote access has been entered.
remote-method = Method
remote-host = Address / ID
remote-account = Account
remote-secret = Password
remote-instructions = Instructions
remote-changed = Changed
remote-secret-stored = stored (encrypted)
remote-secret-none = —
remote-reveal = Reveal
remote-reveal-title = Remote-access password
remote-reveal-audited = Revealing the password has been recorded in the audit log.
remote-add-title = Add or replace a connection
remote-replace = Entry
remote-new-entry = new connection
remote-secret-hint = The password is stored encrypted; only authorised vendor staff can see it. Leave it empty when replacing an entry to keep its password.
remote-save = Save connection
remote-method-vpn = VPN
remote-method-rdp = Remote desktop (RDP)
remote-method-remote-desktop-tool = Remote-desktop tool
remote-method-ssh = SSH
remote-method-other = Other

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

## Product catalogue, installation card, contract editing
nav-products = Products
products-title = Product catalogue
products-intro = Products with their modules and versions. Installation cards and contracts choose from them.
products-empty = The catalogue is empty.
product-title = Product
product-new-title = New product
product-code = Code
product-name = Name
product-versions = Versions
product-versions-hint = One per line, newest first.
product-modules = Modules
product-modules-hint = One per line.
product-active = Offered for new installations and contracts
product-inactive = no longer offered
product-error-code = Enter a code of letters, digits, - or _ (at most 30).
product-error-code-taken = Another product has this code.
product-error-versions = Enter at least one version.
product-error-line = A line may have at most 100 characters.
product-field-code = Code
product-field-name = Name
product-field-modules = Modules
product-field-versions = Versions
product-field-is-active = Offered
form-save = Save
installations-title = Installation card
installations-none = No installation is recorded.
installation-title = Installation
installation-new-title = Add installation
installation-choose-product = Which product?
installation-no-products = The product catalogue has no active product yet.
installation-product = Product
installation-label = Installation
installation-label-hint = Which installation this is, e.g. Production, Test, or a site.
installation-version = Version
installation-modules = Modules
installation-notes = Notes
installation-remove = Remove from the installation card
installation-error-product = Choose a product of the catalogue.
installation-error-version = Choose one of the product's versions.
installation-error-modules = Choose only the product's own modules.
installation-field-product = Product
installation-field-label = Installation
installation-field-product-version = Version
installation-field-modules = Modules
installation-field-notes = Notes
organisation-field-installation = Installation card
contract-title = Contract
contract-products = Covered products
contract-products-none = The product catalogue is empty.
contract-error-product = Choose products of the catalogue.
contract-field-number = Number
contract-field-valid-from = Valid from
contract-field-valid-to = Valid to
contract-field-state = State
contract-field-products = Covered products
contract-field-covered-scope = Scope notes
contract-field-prepaid-minutes = Prepaid minutes
contract-field-sla-critical = SLA critical (response / resolution)
contract-field-sla-high = SLA high (response / resolution)
contract-field-sla-medium = SLA medium (response / resolution)
contract-field-sla-low = SLA low (response / resolution)
error-invalid-json-detail = The request body is not the JSON this operation expects; see the OpenAPI document.
account-field-active = Active
account-field-membership = Membership and rights
organisation-field-account-team = Account team
organisation-field-remote-access = Remote access
