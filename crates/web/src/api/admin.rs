//! Administration through the JSON API: organisations with their installation cards and
//! contracts, and the product catalogue. The same permission matrix and the same validation
//! as the pages: a forbidden or foreign record answers like a missing one, invalid input
//! gives `invalid_input` with a code per field, a stale `version` gives 409.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bytes::Bytes;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{ContractId, OrganisationId, ProductId};
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::severity::Severity;
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::{InstallationRecord, NewInstallation, ProductRecord};
use supportweb_storage::contracts::ContractRecord;
use supportweb_storage::organisations::OrganisationRecord;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::json;
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::{AppError, FieldError};
use crate::i18n::Tr;
use crate::middleware::Problem;
use crate::pages::catalogue::ProductForm;
use crate::pages::contracts::{ContractForm, hours};
use crate::pages::form::FormErrors;
use crate::pages::organisations::OrganisationForm;
use crate::state::AppState;

const PAGE_SIZE: u32 = 50;

fn require(actor: &Actor, area: AdminArea, action: Action) -> Result<(), AppError> {
    if actor.staff_may(Area::Admin(area), action) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn parse_id<T: std::str::FromStr>(text: &str) -> Result<T, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Organisation {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `customer` or `partner`.
    pub kind: String,
    /// IČO (8 digits, checked).
    pub ico: Option<String>,
    /// DIČ.
    pub dic: Option<String>,
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Contact e-mail.
    pub email: String,
    /// Contact phone.
    pub phone: String,
    /// Public body (its orders go to the contracts register).
    pub is_public_body: bool,
    /// Send back on update; a stale value gives 409.
    pub version: i64,
}

impl From<OrganisationRecord> for Organisation {
    fn from(o: OrganisationRecord) -> Self {
        Organisation {
            id: o.id.0,
            name: o.name,
            kind: o.kind.as_str().to_owned(),
            ico: o.ico,
            dic: o.dic,
            street: o.street,
            city: o.city,
            postal_code: o.postal_code,
            email: o.email,
            phone: o.phone,
            is_public_body: o.is_public_body,
            version: o.version,
        }
    }
}

/// One page of organisations.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    /// Organisations by name.
    pub items: Vec<Organisation>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Keyset paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AfterQuery {
    /// The `next` of the previous page.
    pub after: Option<String>,
}

/// Organisations the caller may see (staff: all; customer and partner users: their own).
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "administration",
    params(AfterQuery),
    responses(
        (status = 200, description = "A page of organisations", body = OrganisationPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list_organisations(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<AfterQuery>,
) -> Result<Json<OrganisationPage>, AppError> {
    let actor = &signed.actor;
    let after = match query.after.as_deref() {
        Some(text) => {
            let id: OrganisationId = text
                .parse()
                .map_err(|_| AppError::BadRequest("bad_request"))?;
            let last = state.store().organisation(actor, id).await?;
            Some((last.name, id))
        }
        None => None,
    };
    let items = state
        .store()
        .organisations(
            actor,
            after.as_ref().map(|(n, id)| (n.as_str(), *id)),
            PAGE_SIZE,
        )
        .await?;
    let next = (items.len() == PAGE_SIZE as usize)
        .then(|| items.last().map(|o| o.id.0))
        .flatten();
    Ok(Json(OrganisationPage {
        items: items.into_iter().map(Organisation::from).collect(),
        next,
    }))
}

/// An organisation to create or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganisationBody {
    /// Name.
    pub name: String,
    /// `customer` or `partner`.
    pub kind: String,
    /// IČO; checked by its check digit.
    #[serde(default)]
    pub ico: Option<String>,
    /// DIČ.
    #[serde(default)]
    pub dic: Option<String>,
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Contact e-mail.
    #[serde(default)]
    pub email: String,
    /// Contact phone.
    #[serde(default)]
    pub phone: String,
    /// Public body.
    #[serde(default)]
    pub is_public_body: bool,
    /// Staff notes.
    #[serde(default)]
    pub notes: String,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
}

impl OrganisationBody {
    fn form(&self) -> OrganisationForm {
        OrganisationForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            ico: self.ico.clone().unwrap_or_default(),
            dic: self.dic.clone().unwrap_or_default(),
            street: self.street.clone(),
            city: self.city.clone(),
            postal_code: self.postal_code.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            is_public_body: self.is_public_body.then(|| "on".into()),
            notes: self.notes.clone(),
            version: self.version,
        }
    }
}

fn field_error(field: &str, code: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError {
        field: field.to_owned(),
        code,
        argument: None,
    }])
}

/// Creates an organisation (staff who manage organisations).
#[utoipa::path(
    post,
    path = "/api/v1/organisations",
    tag = "administration",
    request_body = OrganisationBody,
    responses(
        (status = 201, description = "Created", body = Organisation),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create_organisation(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<Organisation>), AppError> {
    require(&signed.actor, AdminArea::Organisations, Action::Manage)?;
    let body: OrganisationBody = json(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let new = body
        .form()
        .parse(&t, &mut errors)
        .ok_or_else(|| errors.into_api_error())?;
    let id = match state.store().create_organisation(&new).await {
        Ok(id) => id,
        Err(StoreError::Duplicate(_)) => {
            return Err(field_error("ico", "organisation-error-ico-taken"));
        }
        Err(other) => return Err(other.into()),
    };
    let created = state.store().organisation(&signed.actor, id).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Changes an organisation read at `version` (staff who manage organisations).
#[utoipa::path(
    put,
    path = "/api/v1/organisations/{id}",
    tag = "administration",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body = OrganisationBody,
    responses(
        (status = 200, description = "Changed", body = Organisation),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update_organisation(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Organisation>, AppError> {
    require(&signed.actor, AdminArea::Organisations, Action::Manage)?;
    let id: OrganisationId = parse_id(&id)?;
    state.store().organisation(&signed.actor, id).await?;
    let body: OrganisationBody = json(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let changed = body
        .form()
        .parse(&t, &mut errors)
        .ok_or_else(|| errors.into_api_error())?;
    match state
        .store()
        .update_organisation(&signed.actor, id, body.version, &changed)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Duplicate(_)) => {
            return Err(field_error("ico", "organisation-error-ico-taken"));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Json(
        state.store().organisation(&signed.actor, id).await?.into(),
    ))
}

/// One line of an installation card.
#[derive(Debug, Serialize, ToSchema)]
pub struct Installation {
    /// Id.
    pub id: Uuid,
    /// Product id.
    pub product_id: Uuid,
    /// Product name.
    pub product_name: String,
    /// Which installation (`Produkce`, `Test`, …).
    pub label: String,
    /// Product version.
    pub product_version: String,
    /// Modules in use.
    pub modules: Vec<String>,
    /// Notes.
    pub notes: String,
}

impl From<InstallationRecord> for Installation {
    fn from(i: InstallationRecord) -> Self {
        Installation {
            id: i.id.0,
            product_id: i.product_id.0,
            product_name: i.product_name,
            label: i.label,
            product_version: i.product_version,
            modules: i.modules,
            notes: i.notes,
        }
    }
}

/// Response and resolution time for one severity, in business minutes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SlaTargetBody {
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    /// First response within (business minutes).
    pub response_minutes: i64,
    /// Resolution within (business minutes).
    pub resolution_minutes: i64,
}

/// A support contract.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contract {
    /// Id.
    pub id: Uuid,
    /// Number.
    pub number: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// First day covered.
    pub valid_from: NaiveDate,
    /// Last day covered.
    pub valid_to: NaiveDate,
    /// `active`, `suspended` or `ended`.
    pub state: String,
    /// Covered products of the catalogue.
    pub product_ids: Vec<Uuid>,
    /// Notes on the scope.
    pub covered_scope: String,
    /// Prepaid support time in minutes.
    pub prepaid_minutes: Option<i64>,
    /// SLA plan.
    pub sla: Vec<SlaTargetBody>,
    /// Send back on update; a stale value gives 409.
    pub version: i64,
}

impl From<ContractRecord> for Contract {
    fn from(c: ContractRecord) -> Self {
        Contract {
            id: c.id.0,
            number: c.number,
            organisation_id: c.organisation_id.0,
            valid_from: c.term.valid_from,
            valid_to: c.term.valid_to,
            state: c.term.state.as_str().to_owned(),
            product_ids: c.products.iter().map(|(id, _)| id.0).collect(),
            covered_scope: c.covered_scope,
            prepaid_minutes: c.prepaid_minutes,
            sla: c
                .sla
                .iter()
                .map(|t| SlaTargetBody {
                    severity: t.severity.as_str().to_owned(),
                    response_minutes: t.response_minutes,
                    resolution_minutes: t.resolution_minutes,
                })
                .collect(),
            version: c.version,
        }
    }
}

/// An organisation with its installation card and contracts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDetail {
    /// The organisation.
    pub organisation: Organisation,
    /// Installation card.
    pub installations: Vec<Installation>,
    /// Contracts, newest validity first.
    pub contracts: Vec<Contract>,
}

/// One organisation the caller may see, with its installation card and contracts.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    tag = "administration",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDetail),
        (status = 404, description = "No such organisation (or not yours)", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn organisation(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<OrganisationDetail>, AppError> {
    let id: OrganisationId = parse_id(&id)?;
    let store = state.store();
    let organisation = store.organisation(&signed.actor, id).await?;
    Ok(Json(OrganisationDetail {
        organisation: organisation.into(),
        installations: store
            .installations(&signed.actor, id)
            .await?
            .into_iter()
            .map(Installation::from)
            .collect(),
        contracts: store
            .contracts(&signed.actor, id)
            .await?
            .into_iter()
            .map(Contract::from)
            .collect(),
    }))
}

/// A contract to create or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContractBody {
    /// Number (unique).
    pub number: String,
    /// First day covered.
    pub valid_from: String,
    /// Last day covered.
    pub valid_to: String,
    /// `active`, `suspended` or `ended`.
    pub state: String,
    /// Covered products of the catalogue.
    #[serde(default)]
    pub product_ids: Vec<Uuid>,
    /// Notes on the scope.
    #[serde(default)]
    pub covered_scope: String,
    /// Prepaid support time in minutes.
    #[serde(default)]
    pub prepaid_minutes: Option<i64>,
    /// One target per severity, all four.
    pub sla: Vec<SlaTargetBody>,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
}

impl ContractBody {
    fn form(&self) -> ContractForm {
        let target = |s: Severity| {
            self.sla
                .iter()
                .find(|t| t.severity == s.as_str())
                .map(|t| (hours(t.response_minutes), hours(t.resolution_minutes)))
                .unwrap_or_default()
        };
        let (critical_response, critical_resolution) = target(Severity::Critical);
        let (high_response, high_resolution) = target(Severity::High);
        let (medium_response, medium_resolution) = target(Severity::Medium);
        let (low_response, low_resolution) = target(Severity::Low);
        ContractForm {
            number: self.number.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
            state: self.state.clone(),
            covered_scope: self.covered_scope.clone(),
            prepaid_hours: self.prepaid_minutes.map(hours).unwrap_or_default(),
            critical_response,
            critical_resolution,
            high_response,
            high_resolution,
            medium_response,
            medium_resolution,
            low_response,
            low_resolution,
            version: self.version,
            products: self.product_ids.iter().map(Uuid::to_string).collect(),
        }
    }
}

/// Creates a contract for an organisation (staff who manage contracts); audited.
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{id}/contracts",
    tag = "administration",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body = ContractBody,
    responses(
        (status = 201, description = "Created", body = Contract),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create_contract(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Contract>), AppError> {
    require(&signed.actor, AdminArea::Contracts, Action::Manage)?;
    let organisation: OrganisationId = parse_id(&id)?;
    state
        .store()
        .organisation(&signed.actor, organisation)
        .await?;
    let body: ContractBody = json(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let catalogue = state.store().products(true).await?;
    let mut errors = FormErrors::default();
    let new = body
        .form()
        .parse(&t, &catalogue, organisation, &mut errors)
        .ok_or_else(|| errors.into_api_error())?;
    let id = match state.store().create_contract(&new).await {
        Ok(id) => id,
        Err(StoreError::Duplicate(_)) => {
            return Err(field_error("number", "contract-error-number-taken"));
        }
        Err(other) => return Err(other.into()),
    };
    audit::record(
        &state,
        AuditEvent::ContractCreated,
        Concerning {
            actor: Some(signed.actor.user_id),
            subject: None,
            organisation: Some(organisation),
        },
        &address,
        new.number.clone(),
    )
    .await?;
    let created = state.store().contract(&signed.actor, id).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Changes a contract read at `version` (staff who manage contracts); audited with the
/// changed fields, which also enter the contract's history.
#[utoipa::path(
    put,
    path = "/api/v1/contracts/{id}",
    tag = "administration",
    params(("id" = Uuid, Path, description = "Contract id")),
    request_body = ContractBody,
    responses(
        (status = 200, description = "Changed", body = Contract),
        (status = 404, description = "No such contract", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update_contract(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Contract>, AppError> {
    require(&signed.actor, AdminArea::Contracts, Action::Manage)?;
    let id: ContractId = parse_id(&id)?;
    let current = state.store().contract(&signed.actor, id).await?;
    let body: ContractBody = json(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let catalogue = state.store().products(true).await?;
    let mut errors = FormErrors::default();
    let changed = body
        .form()
        .parse(&t, &catalogue, current.organisation_id, &mut errors)
        .ok_or_else(|| errors.into_api_error())?;
    let changes = match state
        .store()
        .update_contract(&signed.actor, id, body.version, &changed)
        .await
    {
        Ok(changes) => changes,
        Err(StoreError::Duplicate(_)) => {
            return Err(field_error("number", "contract-error-number-taken"));
        }
        Err(other) => return Err(other.into()),
    };
    if !changes.is_empty() {
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        audit::record(
            &state,
            AuditEvent::ContractChanged,
            Concerning {
                actor: Some(signed.actor.user_id),
                subject: None,
                organisation: Some(current.organisation_id),
            },
            &address,
            format!("{}: {}", changed.number, fields.join(", ")),
        )
        .await?;
    }
    Ok(Json(
        state.store().contract(&signed.actor, id).await?.into(),
    ))
}

/// A product of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Modules.
    pub modules: Vec<String>,
    /// Versions, newest first.
    pub versions: Vec<String>,
    /// Offered for new installations and contracts.
    pub is_active: bool,
    /// Version of the record.
    pub version: i64,
}

impl From<ProductRecord> for Product {
    fn from(p: ProductRecord) -> Self {
        Product {
            id: p.id.0,
            code: p.code,
            name: p.name,
            modules: p.modules,
            versions: p.versions,
            is_active: p.is_active,
            version: p.version,
        }
    }
}

/// The product catalogue (staff who may read it).
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "administration",
    responses((status = 200, description = "Every product by name", body = Vec<Product>))
)]
pub async fn products(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Json<Vec<Product>>, AppError> {
    require(&signed.actor, AdminArea::Catalogue, Action::Read)?;
    Ok(Json(
        state
            .store()
            .products(true)
            .await?
            .into_iter()
            .map(Product::from)
            .collect(),
    ))
}

/// A product to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductBody {
    /// Code (letters, digits, `-`, `_`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Modules.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Versions, newest first (at least one).
    pub versions: Vec<String>,
    /// Offered.
    #[serde(default = "offered")]
    pub is_active: bool,
}

fn offered() -> bool {
    true
}

/// Adds a product to the catalogue (staff who manage it).
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "administration",
    request_body = ProductBody,
    responses(
        (status = 201, description = "Created", body = Product),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create_product(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<Product>), AppError> {
    require(&signed.actor, AdminArea::Catalogue, Action::Manage)?;
    let body: ProductBody = json(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let form = ProductForm {
        code: body.code,
        name: body.name,
        modules: body.modules.join("\n"),
        versions: body.versions.join("\n"),
        is_active: body.is_active.then(|| "on".into()),
        version: 0,
    };
    let mut errors = FormErrors::default();
    let new = form
        .parse(&t, &mut errors)
        .ok_or_else(|| errors.into_api_error())?;
    let id = match state.store().create_product(&signed.actor, &new).await {
        Ok(id) => id,
        Err(StoreError::Duplicate(_)) => {
            return Err(field_error("code", "product-error-code-taken"));
        }
        Err(other) => return Err(other.into()),
    };
    Ok((
        StatusCode::CREATED,
        Json(state.store().product(id).await?.into()),
    ))
}

/// An installation to add to an organisation's card.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstallationBody {
    /// Product.
    pub product_id: Uuid,
    /// Which installation.
    pub label: String,
    /// One of the product's versions.
    pub product_version: String,
    /// Some of the product's modules.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// Adds an installation to an organisation's card (staff who manage organisations).
#[utoipa::path(
    post,
    path = "/api/v1/organisations/{id}/installations",
    tag = "administration",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body = InstallationBody,
    responses(
        (status = 201, description = "Added", body = Installation),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create_installation(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Installation>), AppError> {
    require(&signed.actor, AdminArea::Organisations, Action::Manage)?;
    let organisation: OrganisationId = parse_id(&id)?;
    state
        .store()
        .organisation(&signed.actor, organisation)
        .await?;
    let body: InstallationBody = json(&body)?;
    let product = match state.store().product(ProductId(body.product_id)).await {
        Ok(product) if product.is_active => product,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(field_error("product_id", "installation-error-product"));
        }
        Err(other) => return Err(other.into()),
    };
    let new = NewInstallation {
        product_id: product.id,
        label: body.label.trim().to_owned(),
        product_version: body.product_version.trim().to_owned(),
        modules: body.modules,
        notes: body.notes.trim().to_owned(),
    };
    if new.label.is_empty() || new.label.chars().count() > 100 {
        return Err(field_error("label", "form-error-required"));
    }
    if !product.versions.contains(&new.product_version) {
        return Err(field_error("product_version", "installation-error-version"));
    }
    if !new.fits(&product) {
        return Err(field_error("modules", "installation-error-modules"));
    }
    let id = state
        .store()
        .create_installation(&signed.actor, organisation, &new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store().installation(&signed.actor, id).await?.into()),
    ))
}
