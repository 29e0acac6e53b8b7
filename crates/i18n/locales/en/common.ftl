# Supportweb — English — common

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
