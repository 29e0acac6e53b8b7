//! QUALITY.md's permission-matrix suite: every route × every kind of user gives the expected
//! answer. The table below is data; a route in the code without a row fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp};
use supportweb_domain::membership::MembershipRights;

use supportweb_domain::permissions::{Action, AdminArea, Area, staff_may};
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::organisations::NewOrganisation;
use supportweb_storage::testing::build;

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A customer or partner user with a membership.
    Member,
    /// A customer or partner member with the write right in support documents.
    RemoteWriter,
    /// Staff whose roles allow the action in the area.
    Staff(Area, Action),
    /// Support documents: staff whose roles allow the action, and customer and partner
    /// members (who hold the write right).
    Documents(Action),
    /// Podpora: staff whose roles allow the action, and customer and partner members (who
    /// hold the read right).
    Podpora(Action),
    /// Protocols: staff whose roles allow the action, and customer and partner members (who
    /// hold the read right).
    Protocols(Action),
    Orders(Action),
    /// An organisation's timeline: every staff user (who sees the parts their roles read)
    /// and that organisation's customer and partner members.
    StaffOrMember,
}

/// What an allowed user receives for the sample request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Allowed {
    /// Anything but a refusal (401, 403, 404, redirect to sign-in).
    Served,
    /// 404: the sample names a record that does not exist (the route itself is open).
    Missing,
}

use Access::{
    Documents, Member, Orders, Podpora, Protocols, Public, RemoteWriter, SignedIn, Staff,
    StaffOrMember,
};
use Allowed::{Missing, Served};

const ACCOUNTS_READ: Access = Staff(Area::Admin(AdminArea::Accounts), Action::Read);
const ACCOUNTS_MANAGE: Access = Staff(Area::Admin(AdminArea::Accounts), Action::Manage);
const AUDIT_READ: Access = Staff(Area::Admin(AdminArea::Audit), Action::Read);
const ORGANISATIONS_READ: Access = Staff(Area::Admin(AdminArea::Organisations), Action::Read);
const ORGANISATIONS_MANAGE: Access = Staff(Area::Admin(AdminArea::Organisations), Action::Manage);
const CONTRACTS_MANAGE: Access = Staff(Area::Admin(AdminArea::Contracts), Action::Manage);
const CONTRACTS_READ: Access = Staff(Area::Admin(AdminArea::Contracts), Action::Read);
const CATALOGUE_READ: Access = Staff(Area::Admin(AdminArea::Catalogue), Action::Read);
const CATALOGUE_MANAGE: Access = Staff(Area::Admin(AdminArea::Catalogue), Action::Manage);
const SECURITY_MANAGE: Access = Staff(Area::Admin(AdminArea::Security), Action::Manage);
const DOCUMENTS_WRITE: Access = Staff(
    Area::Agenda(supportweb_domain::Agenda::SupportDocuments),
    Action::Write,
);
const DOCUMENTS_MANAGE: Access = Staff(
    Area::Agenda(supportweb_domain::Agenda::SupportDocuments),
    Action::Manage,
);
const PODPORA_WRITE: Access = Staff(
    Area::Agenda(supportweb_domain::Agenda::Podpora),
    Action::Write,
);
const PODPORA_STAFF_READ: Access = Staff(
    Area::Agenda(supportweb_domain::Agenda::Podpora),
    Action::Read,
);
const PROTOCOLS_WRITE: Access = Staff(
    Area::Agenda(supportweb_domain::Agenda::Protocols),
    Action::Write,
);
const ORDERS_WRITE: Access = Staff(
    Area::Agenda(supportweb_domain::Agenda::CustomizationOrders),
    Action::Write,
);
const SECRETS_READ: Access = Staff(Area::Admin(AdminArea::RemoteAccessSecrets), Action::Read);

/// Method, route as declared, sample path (`{account}` is an existing customer account,
/// `{organisation}` an existing organisation, `{missing}` an id that exists nowhere), access,
/// what allowed users get.
const ROUTES: &[(&str, &str, &str, Access, Allowed)] = &[
    ("GET", "/", "/", SignedIn, Served),
    ("GET", "/login", "/login", Public, Served),
    ("POST", "/login", "/login", Public, Served),
    ("POST", "/language", "/language", Public, Served),
    // Search answers every signed-in user; what it finds is scoped inside the query.
    ("GET", "/search", "/search?q=reseni", SignedIn, Served),
    ("GET", "/account", "/account", SignedIn, Served),
    (
        "GET",
        "/organisations/{id}/timeline",
        "/organisations/{organisation}/timeline",
        StaffOrMember,
        Served,
    ),
    (
        "GET",
        "/login/two-factor",
        "/login/two-factor",
        Public,
        Served,
    ),
    (
        "POST",
        "/login/two-factor",
        "/login/two-factor",
        Public,
        Served,
    ),
    (
        "GET",
        "/account/two-factor",
        "/account/two-factor",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/two-factor/setup",
        "/account/two-factor/setup",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/two-factor/confirm",
        "/account/two-factor/confirm",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/two-factor/recovery-codes",
        "/account/two-factor/recovery-codes",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/two-factor/disable",
        "/account/two-factor/disable",
        SignedIn,
        Served,
    ),
    (
        "GET",
        "/admin/security",
        "/admin/security",
        SECURITY_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/security",
        "/admin/security",
        SECURITY_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/accounts/{id}/two-factor/reset",
        "/admin/accounts/{account}/two-factor/reset",
        ACCOUNTS_MANAGE,
        Served,
    ),
    ("GET", "/organisation", "/organisation", Member, Served),
    (
        "POST",
        "/organisation/{id}/remote-access",
        "/organisation/{organisation}/remote-access",
        RemoteWriter,
        Served,
    ),
    (
        "POST",
        "/admin/organisations/{id}/remote-access",
        "/admin/organisations/{organisation}/remote-access",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/organisations/{id}/remote-access/{entry}/reveal",
        "/admin/organisations/{organisation}/remote-access/{missing}/reveal",
        SECRETS_READ,
        Missing,
    ),
    (
        "GET",
        "/account/password",
        "/account/password",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/password",
        "/account/password",
        SignedIn,
        Served,
    ),
    (
        "GET",
        "/activate/{token}",
        "/activate/{token}",
        Public,
        Missing,
    ),
    (
        "POST",
        "/activate/{token}",
        "/activate/{token}",
        Public,
        Missing,
    ),
    ("GET", "/admin/audit", "/admin/audit", AUDIT_READ, Served),
    (
        "GET",
        "/admin/organisations",
        "/admin/organisations",
        ORGANISATIONS_READ,
        Served,
    ),
    (
        "POST",
        "/admin/organisations",
        "/admin/organisations",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/organisations/new",
        "/admin/organisations/new",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/organisations/{id}",
        "/admin/organisations/{organisation}",
        ORGANISATIONS_READ,
        Served,
    ),
    (
        "POST",
        "/admin/organisations/{id}",
        "/admin/organisations/{organisation}",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/organisations/{id}/team",
        "/admin/organisations/{organisation}/team",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/organisations/{id}/contracts",
        "/admin/organisations/{organisation}/contracts",
        CONTRACTS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/accounts",
        "/admin/accounts",
        ACCOUNTS_READ,
        Served,
    ),
    (
        "POST",
        "/admin/accounts",
        "/admin/accounts",
        ACCOUNTS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/accounts/new",
        "/admin/accounts/new",
        ACCOUNTS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/accounts/{id}",
        "/admin/accounts/{account}",
        ACCOUNTS_READ,
        Served,
    ),
    (
        "POST",
        "/admin/accounts/{id}/active",
        "/admin/accounts/{account}/active",
        ACCOUNTS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/accounts/{id}/memberships",
        "/admin/accounts/{account}/memberships",
        ACCOUNTS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/accounts/{id}/activation",
        "/admin/accounts/{account}/activation",
        ACCOUNTS_MANAGE,
        Served,
    ),
    ("GET", "/files/{id}", "/files/{missing}", SignedIn, Missing),
    (
        "GET",
        "/api/v1/files/{id}",
        "/api/v1/files/{missing}",
        SignedIn,
        Missing,
    ),
    ("POST", "/api/v1/files", "/api/v1/files", SignedIn, Served),
    ("GET", "/api/v1/me", "/api/v1/me", SignedIn, Served),
    (
        "GET",
        "/api/v1/me/work",
        "/api/v1/me/work",
        SignedIn,
        Served,
    ),
    (
        "GET",
        "/api/v1/search",
        "/api/v1/search?q=reseni",
        SignedIn,
        Served,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}/timeline",
        "/api/v1/organisations/{organisation}/timeline",
        StaffOrMember,
        Served,
    ),
    (
        "GET",
        "/api/openapi.json",
        "/api/openapi.json",
        Public,
        Served,
    ),
    ("GET", "/assets/app.css", "/assets/app.css", Public, Served),
    (
        "GET",
        "/assets/htmx.min.js",
        "/assets/htmx.min.js",
        Public,
        Served,
    ),
    ("GET", "/healthz", "/healthz", Public, Served),
    ("GET", "/readyz", "/readyz", Public, Served),
    (
        "GET",
        "/account/notifications",
        "/account/notifications",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/notifications",
        "/account/notifications",
        SignedIn,
        Served,
    ),
    (
        "GET",
        "/account/tokens",
        "/account/tokens",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/tokens",
        "/account/tokens",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/account/tokens/{id}/revoke",
        "/account/tokens/{missing}/revoke",
        SignedIn,
        Missing,
    ),
    (
        "GET",
        "/admin/contracts/{id}",
        "/admin/contracts/{missing}",
        CONTRACTS_READ,
        Missing,
    ),
    (
        "POST",
        "/admin/contracts/{id}",
        "/admin/contracts/{missing}",
        CONTRACTS_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/admin/organisations/{id}/installations/new",
        "/admin/organisations/{organisation}/installations/new",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/admin/organisations/{id}/installations",
        "/admin/organisations/{organisation}/installations",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/installations/{id}",
        "/admin/installations/{missing}",
        ORGANISATIONS_READ,
        Missing,
    ),
    (
        "POST",
        "/admin/installations/{id}",
        "/admin/installations/{missing}",
        ORGANISATIONS_MANAGE,
        Missing,
    ),
    (
        "POST",
        "/admin/installations/{id}/remove",
        "/admin/installations/{missing}/remove",
        ORGANISATIONS_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/admin/products",
        "/admin/products",
        CATALOGUE_READ,
        Served,
    ),
    (
        "POST",
        "/admin/products",
        "/admin/products",
        CATALOGUE_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/products/new",
        "/admin/products/new",
        CATALOGUE_MANAGE,
        Served,
    ),
    (
        "GET",
        "/admin/products/{id}",
        "/admin/products/{missing}",
        CATALOGUE_READ,
        Missing,
    ),
    (
        "POST",
        "/admin/products/{id}",
        "/admin/products/{missing}",
        CATALOGUE_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/api/v1/organisations",
        "/api/v1/organisations",
        SignedIn,
        Served,
    ),
    (
        "POST",
        "/api/v1/organisations",
        "/api/v1/organisations",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}",
        "/api/v1/organisations/{missing}",
        SignedIn,
        Missing,
    ),
    (
        "PUT",
        "/api/v1/organisations/{id}",
        "/api/v1/organisations/{missing}",
        ORGANISATIONS_MANAGE,
        Missing,
    ),
    (
        "POST",
        "/api/v1/organisations/{id}/contracts",
        "/api/v1/organisations/{organisation}/contracts",
        CONTRACTS_MANAGE,
        Served,
    ),
    (
        "PUT",
        "/api/v1/contracts/{id}",
        "/api/v1/contracts/{missing}",
        CONTRACTS_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/api/v1/products",
        "/api/v1/products",
        CATALOGUE_READ,
        Served,
    ),
    (
        "POST",
        "/api/v1/products",
        "/api/v1/products",
        CATALOGUE_MANAGE,
        Served,
    ),
    (
        "POST",
        "/api/v1/organisations/{id}/installations",
        "/api/v1/organisations/{organisation}/installations",
        ORGANISATIONS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/support-documents",
        "/support-documents",
        Documents(Action::Read),
        Served,
    ),
    (
        "GET",
        "/support-documents/export.csv",
        "/support-documents/export.csv",
        Documents(Action::Read),
        Served,
    ),
    (
        "GET",
        "/support-documents/new",
        "/support-documents/new",
        Documents(Action::Write),
        Served,
    ),
    (
        "POST",
        "/support-documents/new",
        "/support-documents/new",
        Documents(Action::Write),
        Served,
    ),
    (
        "GET",
        "/support-documents/canned-replies",
        "/support-documents/canned-replies",
        DOCUMENTS_WRITE,
        Served,
    ),
    (
        "POST",
        "/support-documents/canned-replies",
        "/support-documents/canned-replies",
        DOCUMENTS_MANAGE,
        Served,
    ),
    (
        "POST",
        "/support-documents/canned-replies/{id}",
        "/support-documents/canned-replies/{missing}",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/support-documents/{id}",
        "/support-documents/{missing}",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/transition",
        "/support-documents/{missing}/transition",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/comments",
        "/support-documents/{missing}/comments",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/assignee",
        "/support-documents/{missing}/assignee",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/watchers",
        "/support-documents/{missing}/watchers",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/time",
        "/support-documents/{missing}/time",
        Documents(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/support-documents",
        "/api/v1/support-documents",
        Documents(Action::Read),
        Served,
    ),
    (
        "POST",
        "/api/v1/support-documents",
        "/api/v1/support-documents",
        Documents(Action::Write),
        Served,
    ),
    (
        "GET",
        "/api/v1/support-documents/{id}",
        "/api/v1/support-documents/{missing}",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/support-documents/{id}/comments",
        "/api/v1/support-documents/{missing}/comments",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/support-documents/{id}/transitions",
        "/api/v1/support-documents/{missing}/transitions",
        Documents(Action::Read),
        Missing,
    ),
    (
        "PUT",
        "/api/v1/support-documents/{id}/assignee",
        "/api/v1/support-documents/{missing}/assignee",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/support-documents/{id}/watchers",
        "/api/v1/support-documents/{missing}/watchers",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/support-documents/{id}/time",
        "/api/v1/support-documents/{missing}/time",
        Documents(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/me/notifications",
        "/api/v1/me/notifications",
        SignedIn,
        Served,
    ),
    (
        "PUT",
        "/api/v1/me/notifications",
        "/api/v1/me/notifications",
        SignedIn,
        Served,
    ),
    (
        "GET",
        "/api/v1/canned-replies",
        "/api/v1/canned-replies",
        DOCUMENTS_WRITE,
        Served,
    ),
    (
        "POST",
        "/api/v1/canned-replies",
        "/api/v1/canned-replies",
        DOCUMENTS_MANAGE,
        Served,
    ),
    (
        "PUT",
        "/api/v1/canned-replies/{id}",
        "/api/v1/canned-replies/{missing}",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "DELETE",
        "/api/v1/canned-replies/{id}",
        "/api/v1/canned-replies/{missing}",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    ("GET", "/mail/held", "/mail/held", DOCUMENTS_MANAGE, Served),
    (
        "GET",
        "/mail/{id}",
        "/mail/{missing}",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/mail/{id}/files/{index}",
        "/mail/{missing}/files/0",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "POST",
        "/mail/{id}/attach",
        "/mail/{missing}/attach",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "POST",
        "/mail/{id}/open",
        "/mail/{missing}/open",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "POST",
        "/mail/{id}/discard",
        "/mail/{missing}/discard",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "GET",
        "/api/v1/mail/held",
        "/api/v1/mail/held",
        DOCUMENTS_MANAGE,
        Served,
    ),
    (
        "GET",
        "/api/v1/mail/{id}",
        "/api/v1/mail/{missing}",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    (
        "POST",
        "/api/v1/mail/{id}/decision",
        "/api/v1/mail/{missing}/decision",
        DOCUMENTS_MANAGE,
        Missing,
    ),
    ("GET", "/podpora", "/podpora", Podpora(Action::Read), Served),
    (
        "GET",
        "/podpora/patches",
        "/podpora/patches",
        Podpora(Action::Read),
        Served,
    ),
    (
        "POST",
        "/podpora/patches",
        "/podpora/patches",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/patches/export.csv",
        "/podpora/patches/export.csv",
        Podpora(Action::Read),
        Served,
    ),
    (
        "GET",
        "/podpora/patches/new",
        "/podpora/patches/new",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/patches/{id}",
        "/podpora/patches/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/podpora/patches/{id}",
        "/podpora/patches/{missing}",
        PODPORA_WRITE,
        Missing,
    ),
    (
        "GET",
        "/podpora/patches/{id}/edit",
        "/podpora/patches/{missing}/edit",
        PODPORA_WRITE,
        Missing,
    ),
    (
        "POST",
        "/podpora/patches/{id}/steps",
        "/podpora/patches/{missing}/steps",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/podpora/patches/{id}/files/{file}",
        "/podpora/patches/{missing}/files/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/patches",
        "/api/v1/patches",
        Podpora(Action::Read),
        Served,
    ),
    (
        "POST",
        "/api/v1/patches",
        "/api/v1/patches",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/api/v1/patches/{id}",
        "/api/v1/patches/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "PUT",
        "/api/v1/patches/{id}",
        "/api/v1/patches/{missing}",
        PODPORA_WRITE,
        Missing,
    ),
    (
        "POST",
        "/api/v1/patches/{id}/steps",
        "/api/v1/patches/{missing}/steps",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/patches/{id}/files/{file}",
        "/api/v1/patches/{missing}/files/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/patches/{id}/distribution",
        "/api/v1/patches/{missing}/distribution",
        PODPORA_STAFF_READ,
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/patches",
        "/support-documents/{missing}/patches",
        Documents(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/support-documents/{id}/patches",
        "/api/v1/support-documents/{missing}/patches",
        Documents(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/podpora/codes",
        "/podpora/codes",
        Podpora(Action::Read),
        Served,
    ),
    (
        "POST",
        "/podpora/codes",
        "/podpora/codes",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/codes/export.csv",
        "/podpora/codes/export.csv",
        Podpora(Action::Read),
        Served,
    ),
    (
        "GET",
        "/podpora/codes/new",
        "/podpora/codes/new",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/codes/import",
        "/podpora/codes/import",
        PODPORA_WRITE,
        Served,
    ),
    (
        "POST",
        "/podpora/codes/import",
        "/podpora/codes/import",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/codes/{id}",
        "/podpora/codes/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/podpora/codes/{id}",
        "/podpora/codes/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/podpora/codes/{id}/reveal",
        "/podpora/codes/{missing}/reveal",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/validation-codes",
        "/api/v1/validation-codes",
        Podpora(Action::Read),
        Served,
    ),
    (
        "POST",
        "/api/v1/validation-codes",
        "/api/v1/validation-codes",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/api/v1/validation-codes/{id}",
        "/api/v1/validation-codes/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "PUT",
        "/api/v1/validation-codes/{id}",
        "/api/v1/validation-codes/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/validation-codes/{id}/reveal",
        "/api/v1/validation-codes/{missing}/reveal",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/validation-codes/import",
        "/api/v1/validation-codes/import",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/procedures",
        "/podpora/procedures",
        Podpora(Action::Read),
        Served,
    ),
    (
        "POST",
        "/podpora/procedures",
        "/podpora/procedures",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/procedures/export.csv",
        "/podpora/procedures/export.csv",
        Podpora(Action::Read),
        Served,
    ),
    (
        "GET",
        "/podpora/procedures/new",
        "/podpora/procedures/new",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/podpora/procedures/{id}",
        "/podpora/procedures/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/podpora/procedures/{id}",
        "/podpora/procedures/{missing}",
        PODPORA_WRITE,
        Missing,
    ),
    (
        "GET",
        "/podpora/procedures/{id}/edit",
        "/podpora/procedures/{missing}/edit",
        PODPORA_WRITE,
        Missing,
    ),
    (
        "GET",
        "/podpora/procedures/{id}/revisions/{revision}",
        "/podpora/procedures/{missing}/revisions/1",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/podpora/procedures/{id}/files/{file}",
        "/podpora/procedures/{missing}/files/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/procedures",
        "/api/v1/procedures",
        Podpora(Action::Read),
        Served,
    ),
    (
        "POST",
        "/api/v1/procedures",
        "/api/v1/procedures",
        PODPORA_WRITE,
        Served,
    ),
    (
        "GET",
        "/api/v1/procedures/{id}",
        "/api/v1/procedures/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "PUT",
        "/api/v1/procedures/{id}",
        "/api/v1/procedures/{missing}",
        PODPORA_WRITE,
        Missing,
    ),
    (
        "GET",
        "/api/v1/procedures/{id}/files/{file}",
        "/api/v1/procedures/{missing}/files/{missing}",
        Podpora(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/assets/print.css",
        "/assets/print.css",
        Public,
        Served,
    ),
    (
        "GET",
        "/protocols",
        "/protocols",
        Protocols(Action::Read),
        Served,
    ),
    ("POST", "/protocols", "/protocols", PROTOCOLS_WRITE, Served),
    (
        "GET",
        "/protocols/export.csv",
        "/protocols/export.csv",
        Protocols(Action::Read),
        Served,
    ),
    (
        "GET",
        "/protocols/new",
        "/protocols/new",
        PROTOCOLS_WRITE,
        Served,
    ),
    (
        "GET",
        "/protocols/tasks",
        "/protocols/tasks",
        Protocols(Action::Read),
        Served,
    ),
    (
        "POST",
        "/protocols/tasks/{id}",
        "/protocols/tasks/{missing}",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/protocols/{id}",
        "/protocols/{missing}",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/protocols/{id}",
        "/protocols/{missing}",
        PROTOCOLS_WRITE,
        Missing,
    ),
    (
        "GET",
        "/protocols/{id}/edit",
        "/protocols/{missing}/edit",
        PROTOCOLS_WRITE,
        Missing,
    ),
    (
        "POST",
        "/protocols/{id}/steps",
        "/protocols/{missing}/steps",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/protocols/{id}/print",
        "/protocols/{missing}/print",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/protocols/{id}/revisions/{revision}",
        "/protocols/{missing}/revisions/1",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/protocols/{id}/files/{file}",
        "/protocols/{missing}/files/{missing}",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/customization-orders",
        "/customization-orders",
        Orders(Action::Read),
        Served,
    ),
    (
        "POST",
        "/customization-orders",
        "/customization-orders",
        ORDERS_WRITE,
        Served,
    ),
    (
        "GET",
        "/customization-orders/export.csv",
        "/customization-orders/export.csv",
        Orders(Action::Read),
        Served,
    ),
    (
        "GET",
        "/customization-orders/new",
        "/customization-orders/new",
        ORDERS_WRITE,
        Served,
    ),
    (
        "GET",
        "/customization-orders/invoicing",
        "/customization-orders/invoicing",
        ORDERS_WRITE,
        Served,
    ),
    (
        "POST",
        "/customization-orders/invoicing",
        "/customization-orders/invoicing",
        ORDERS_WRITE,
        Served,
    ),
    (
        "GET",
        "/customization-orders/invoicing.csv",
        "/customization-orders/invoicing.csv",
        ORDERS_WRITE,
        Served,
    ),
    (
        "GET",
        "/customization-orders/{id}",
        "/customization-orders/{missing}",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/customization-orders/{id}/steps",
        "/customization-orders/{missing}/steps",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/customization-orders/{id}/quotes",
        "/customization-orders/{missing}/quotes",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/customization-orders/{id}/work",
        "/customization-orders/{missing}/work",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/customization-orders/{id}/reservations/{reservation}",
        "/customization-orders/{missing}/reservations/{missing}",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/support-documents/{id}/convert",
        "/support-documents/{missing}/convert",
        Orders(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/protocols",
        "/api/v1/protocols",
        Protocols(Action::Read),
        Served,
    ),
    (
        "POST",
        "/api/v1/protocols",
        "/api/v1/protocols",
        PROTOCOLS_WRITE,
        Served,
    ),
    (
        "GET",
        "/api/v1/protocols/{id}",
        "/api/v1/protocols/{missing}",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "PUT",
        "/api/v1/protocols/{id}",
        "/api/v1/protocols/{missing}",
        PROTOCOLS_WRITE,
        Missing,
    ),
    (
        "POST",
        "/api/v1/protocols/{id}/steps",
        "/api/v1/protocols/{missing}/steps",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/protocols/{id}/revisions/{revision}",
        "/api/v1/protocols/{missing}/revisions/1",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/protocols/{id}/files/{file}",
        "/api/v1/protocols/{missing}/files/{missing}",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/protocol-tasks",
        "/api/v1/protocol-tasks",
        Protocols(Action::Read),
        Served,
    ),
    (
        "PUT",
        "/api/v1/protocol-tasks/{id}",
        "/api/v1/protocol-tasks/{missing}",
        Protocols(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/customization-orders",
        "/api/v1/customization-orders",
        Orders(Action::Read),
        Served,
    ),
    (
        "POST",
        "/api/v1/customization-orders",
        "/api/v1/customization-orders",
        Orders(Action::Read),
        Served,
    ),
    (
        "GET",
        "/api/v1/customization-orders/{id}",
        "/api/v1/customization-orders/{missing}",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/customization-orders/{id}/quotes",
        "/api/v1/customization-orders/{missing}/quotes",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/customization-orders/{id}/steps",
        "/api/v1/customization-orders/{missing}/steps",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/customization-orders/{id}/work",
        "/api/v1/customization-orders/{missing}/work",
        Orders(Action::Read),
        Missing,
    ),
    (
        "PUT",
        "/api/v1/customization-orders/{id}/reservations/{reservation}",
        "/api/v1/customization-orders/{missing}/reservations/{missing}",
        Orders(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/customization-orders/invoicing",
        "/api/v1/customization-orders/invoicing",
        ORDERS_WRITE,
        Served,
    ),
    (
        "POST",
        "/api/v1/customization-orders/invoicing",
        "/api/v1/customization-orders/invoicing",
        ORDERS_WRITE,
        Served,
    ),
    (
        "POST",
        "/api/v1/support-documents/{id}/convert",
        "/api/v1/support-documents/{missing}/convert",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/customization-orders/{id}/comments",
        "/customization-orders/{missing}/comments",
        Orders(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/customization-orders/{id}/files/{file}",
        "/customization-orders/{missing}/files/{missing}",
        Orders(Action::Read),
        Missing,
    ),
    (
        "POST",
        "/api/v1/customization-orders/{id}/comments",
        "/api/v1/customization-orders/{missing}/comments",
        Orders(Action::Read),
        Missing,
    ),
    (
        "GET",
        "/api/v1/customization-orders/{id}/files/{file}",
        "/api/v1/customization-orders/{missing}/files/{missing}",
        Orders(Action::Read),
        Missing,
    ),
    // The metrics listen on their own address (`crate::metrics::router`): the public
    // router answers 404 to everyone.
    ("GET", "/metrics", "/metrics", Public, Missing),
    // Last: signing out ends the actor's session for every row after it.
    ("POST", "/logout", "/logout", Public, Served),
];

/// Every route path the web crate declares: `.route("…"` (possibly on the next line) and
/// `path = "…"` of the OpenAPI annotations.
fn declared_routes() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in [".route(", "path = "] {
                for piece in text.split(marker).skip(1) {
                    let piece = piece.trim_start();
                    if let Some(rest) = piece.strip_prefix('"') {
                        let route = rest.split('"').next().unwrap();
                        if route.starts_with('/') {
                            found.insert(route.to_owned());
                        }
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_declared_route_has_a_row() {
    let declared = declared_routes();
    assert!(
        declared.len() >= 20,
        "the scan found the routes: {declared:?}"
    );
    let tabled: BTreeSet<String> = ROUTES.iter().map(|r| r.1.to_owned()).collect();
    let missing: Vec<&String> = declared.difference(&tabled).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the permission matrix: {missing:?}"
    );
    let stale: Vec<&String> = tabled.difference(&declared).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );
}

#[derive(Debug)]
enum Who {
    Anonymous,
    Customer { member: bool },
    Partner,
    Staff(StaffRole),
}

fn refused(reply: &Reply) -> bool {
    matches!(
        reply.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || (reply.status == StatusCode::SEE_OTHER && reply.header("location").starts_with("/login?"))
}

#[tokio::test]
async fn every_route_answers_every_kind_of_user_as_the_matrix_says() {
    let app = TestApp::new().await;
    let organisation = build::organisation_from(
        &app.db.store,
        &NewOrganisation {
            is_public_body: false,
            ..build::new_organisation("Obec Matice")
        },
    )
    .await;
    // The account the administration routes are tried on (never one of the actors).
    let target = app.user("cilovy.ucet", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(target, organisation, &MembershipRights::NONE)
        .await
        .unwrap();

    // Members may write support documents, so they may maintain remote access, and read
    // podpora with its validation codes (users without the codes flag are refused those: see
    // the validation-code tests).
    let writer = MembershipRights {
        support_documents: supportweb_domain::agenda::AgendaRight::Write,
        podpora: supportweb_domain::agenda::AgendaRight::Read,
        may_see_validation_codes: true,
        protocols: supportweb_domain::agenda::AgendaRight::Read,
        customization_orders: supportweb_domain::agenda::AgendaRight::Read,
        ..MembershipRights::NONE
    };
    let mut actors: Vec<(Who, Option<String>)> = vec![(Who::Anonymous, None)];
    let member = app.user("zakaznik.clen", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(member, organisation, &writer)
        .await
        .unwrap();
    actors.push((
        Who::Customer { member: true },
        Some(app.sign_in("zakaznik.clen").await),
    ));
    app.user("zakaznik.bez", UserKind::Customer, vec![]).await;
    actors.push((
        Who::Customer { member: false },
        Some(app.sign_in("zakaznik.bez").await),
    ));
    let partner = app.user("partner.clen", UserKind::Partner, vec![]).await;
    app.db
        .store
        .set_membership(partner, organisation, &writer)
        .await
        .unwrap();
    actors.push((Who::Partner, Some(app.sign_in("partner.clen").await)));
    for role in StaffRole::ALL {
        let login = format!("staff.{}", role.as_str().replace('_', "-"));
        app.user(&login, UserKind::Staff, vec![role]).await;
        actors.push((Who::Staff(role), Some(app.sign_in(&login).await)));
    }

    let missing = uuid::Uuid::now_v7().to_string();
    let token = "ab".repeat(32);
    let mut failures = Vec::new();
    for (method, route, sample, access, allowed) in ROUTES {
        let path = sample
            .replace("{account}", &target.to_string())
            .replace("{missing}", &missing)
            .replace("{organisation}", &organisation.to_string())
            .replace("{token}", &token);
        for (who, cookie) in &actors {
            let may = match (access, who) {
                (Public, _) => true,
                (_, Who::Anonymous) => false,
                (SignedIn, _) => true,
                (Member, Who::Customer { member }) => *member,
                (Member, Who::Partner) => true,
                (Member, Who::Staff(_)) => false,
                (RemoteWriter, Who::Staff(_)) => false,
                (RemoteWriter, Who::Customer { member }) => *member,
                (RemoteWriter, Who::Partner) => true,
                (Staff(area, action), Who::Staff(role)) => staff_may(&[*role], *area, *action),
                (Documents(action), Who::Staff(role)) => staff_may(
                    &[*role],
                    Area::Agenda(supportweb_domain::Agenda::SupportDocuments),
                    *action,
                ),
                (Documents(_), Who::Customer { member }) => *member,
                (Documents(_), Who::Partner) => true,
                (Podpora(action), Who::Staff(role)) => staff_may(
                    &[*role],
                    Area::Agenda(supportweb_domain::Agenda::Podpora),
                    *action,
                ),
                (Podpora(_), Who::Customer { member }) => *member,
                (Podpora(_), Who::Partner) => true,
                (Protocols(action), Who::Staff(role)) => staff_may(
                    &[*role],
                    Area::Agenda(supportweb_domain::Agenda::Protocols),
                    *action,
                ),
                (Protocols(_), Who::Customer { member }) => *member,
                (Protocols(_), Who::Partner) => true,
                (Orders(action), Who::Staff(role)) => staff_may(
                    &[*role],
                    Area::Agenda(supportweb_domain::Agenda::CustomizationOrders),
                    *action,
                ),
                (Orders(_), Who::Customer { member }) => *member,
                (Orders(_), Who::Partner) => true,
                (StaffOrMember, Who::Staff(_)) => true,
                (StaffOrMember, Who::Customer { member }) => *member,
                (StaffOrMember, Who::Partner) => true,
                (Staff(..), _) => false,
            };
            let mut request = Request::builder()
                .method(*method)
                .uri(&path)
                .header("host", "127.0.0.1:8080")
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie.as_str());
            }
            let reply = app.send(request.body(Body::empty()).unwrap()).await;
            let ok = match (may, allowed) {
                (true, Served) => !refused(&reply),
                (true, Missing) => reply.status == StatusCode::NOT_FOUND,
                (false, _) => match who {
                    Who::Anonymous if route.starts_with("/api/") => {
                        reply.status == StatusCode::UNAUTHORIZED
                    }
                    Who::Anonymous => {
                        reply.status == StatusCode::SEE_OTHER
                            && reply.header("location").starts_with("/login?")
                    }
                    _ => reply.status == StatusCode::NOT_FOUND,
                },
            };
            if !ok {
                failures.push(format!(
                    "{method} {route} as {who:?}: {} (may: {may})",
                    reply.status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} answers differ from the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
