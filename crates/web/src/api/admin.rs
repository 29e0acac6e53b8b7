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
use supportweb_app::administration::catalogue::{InstallationForm, ProductForm};
use supportweb_app::administration::contracts::ContractForm;
use supportweb_app::administration::organisations::OrganisationForm;
use supportweb_app::administration::{
    ContractRecord, InstallationRecord, OrganisationRecord, ProductRecord,
};
use supportweb_app::typed::hours;
use supportweb_domain::severity::{Severity, SlaTarget};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::json;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

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
    #[param(format = Uuid)]
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
    let page = state
        .app()
        .administration()
        .organisations(&signed.actor, query.after.as_deref())
        .await?;
    Ok(Json(OrganisationPage {
        next: page.next.and_then(|id| id.parse().ok()),
        items: page.rows.into_iter().map(Organisation::from).collect(),
    }))
}

/// An organisation to create or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganisationBody {
    /// Name.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub name: String,
    /// `customer` or `partner`.
    #[schema(schema_with = supportweb_app::api_schema::organisation_kind)]
    pub kind: String,
    /// IČO; checked by its check digit.
    #[serde(default)]
    #[schema(pattern = r"^([0-9]{1,8})?$")]
    pub ico: Option<String>,
    /// DIČ.
    #[serde(default)]
    pub dic: Option<String>,
    /// Street and number.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub street: String,
    /// City.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub city: String,
    /// Postal code.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub postal_code: String,
    /// Contact e-mail.
    #[serde(default)]
    #[schema(schema_with = supportweb_app::api_schema::email_or_empty)]
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
    let admin = state.app().administration();
    admin.require_organisation_manager(&signed.actor)?;
    let body: OrganisationBody = json(&body)?;
    let created = admin
        .create_organisation(&signed.actor, &body.form())
        .await?;
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
    let admin = state.app().administration();
    admin.require_organisation_manager(&signed.actor)?;
    admin.organisation(&signed.actor, &id).await?;
    let body: OrganisationBody = json(&body)?;
    let changed = admin
        .update_organisation(&signed.actor, &id, &body.form())
        .await?;
    Ok(Json(changed.into()))
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
    #[schema(schema_with = supportweb_app::api_schema::severity)]
    pub severity: String,
    /// First response within (business minutes).
    #[schema(minimum = 1, maximum = 6000000)]
    pub response_minutes: i64,
    /// Resolution within (business minutes).
    #[schema(minimum = 1, maximum = 6000000)]
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
    let (organisation, installations, contracts) = state
        .app()
        .administration()
        .organisation_with_card(&signed.actor, &id)
        .await?;
    Ok(Json(OrganisationDetail {
        organisation: organisation.into(),
        installations: installations.into_iter().map(Installation::from).collect(),
        contracts: contracts.into_iter().map(Contract::from).collect(),
    }))
}

/// A contract to create or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContractBody {
    /// Number (unique).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub number: String,
    /// First day covered.
    #[schema(value_type = String, format = Date)]
    pub valid_from: String,
    /// Last day covered.
    #[schema(value_type = String, format = Date)]
    pub valid_to: String,
    /// `active`, `suspended` or `ended`.
    #[schema(schema_with = supportweb_app::api_schema::contract_state)]
    pub state: String,
    /// Covered products of the catalogue.
    #[serde(default)]
    pub product_ids: Vec<Uuid>,
    /// Notes on the scope.
    #[serde(default)]
    pub covered_scope: String,
    /// Prepaid support time in minutes.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 6000000)]
    pub prepaid_minutes: Option<i64>,
    /// One target per severity, all four.
    pub sla: Vec<SlaTargetBody>,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
}

impl ContractBody {
    fn form(&self) -> ContractForm {
        let sla: Vec<SlaTarget> = self
            .sla
            .iter()
            .filter_map(|t| {
                Some(SlaTarget {
                    severity: Severity::parse(&t.severity)?,
                    response_minutes: t.response_minutes,
                    resolution_minutes: t.resolution_minutes,
                })
            })
            .collect();
        ContractForm {
            number: self.number.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
            state: self.state.clone(),
            covered_scope: self.covered_scope.clone(),
            prepaid_hours: self.prepaid_minutes.map(hours).unwrap_or_default(),
            version: self.version,
            products: self.product_ids.iter().map(Uuid::to_string).collect(),
            ..ContractForm::default()
        }
        .with_sla(&sla)
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
    let admin = state.app().administration();
    admin.require_contract_manager(&signed.actor)?;
    admin.organisation(&signed.actor, &id).await?;
    let body: ContractBody = json(&body)?;
    let created = admin
        .create_contract(&signed.actor, &id, &body.form(), &address)
        .await?;
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
    let admin = state.app().administration();
    admin.require_contract_manager(&signed.actor)?;
    admin.contract(&signed.actor, &id).await?;
    let body: ContractBody = json(&body)?;
    let changed = admin
        .update_contract(&signed.actor, &id, &body.form(), &address)
        .await?;
    Ok(Json(changed.into()))
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
    let products = state.app().administration().products(&signed.actor).await?;
    Ok(Json(products.into_iter().map(Product::from).collect()))
}

/// A product to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductBody {
    /// Code (letters, digits, `-`, `_`).
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,30}$")]
    pub code: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Modules.
    #[serde(default)]
    #[schema(schema_with = supportweb_app::api_schema::lines)]
    pub modules: Vec<String>,
    /// Versions, newest first (at least one).
    #[schema(schema_with = supportweb_app::api_schema::some_lines)]
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
    let admin = state.app().administration();
    admin.require_catalogue_manager(&signed.actor)?;
    let body: ProductBody = json(&body)?;
    // The form takes one module or version a line: a line break inside one would make two.
    for (field, lines) in [("modules", &body.modules), ("versions", &body.versions)] {
        if lines
            .iter()
            .any(|l| l.contains(['\r', '\n']) || l.trim().is_empty())
        {
            return Err(supportweb_app::Error::field(field, "product-error-one-line").into());
        }
    }
    let form = ProductForm {
        code: body.code,
        name: body.name,
        modules: body.modules.join("\n"),
        versions: body.versions.join("\n"),
        is_active: body.is_active.then(|| "on".into()),
        version: 0,
    };
    let created = admin.create_product(&signed.actor, &form).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// An installation to add to an organisation's card.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstallationBody {
    /// Product.
    pub product_id: Uuid,
    /// Which installation.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
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
    let admin = state.app().administration();
    admin.installation_choices(&signed.actor, &id).await?;
    let body: InstallationBody = json(&body)?;
    let form = InstallationForm {
        product: body.product_id.to_string(),
        label: body.label,
        product_version: body.product_version,
        notes: body.notes,
        version: 0,
        modules: body.modules,
    };
    let created = admin
        .create_installation(&signed.actor, &id, &form)
        .await
        .map_err(|e| e.renamed(&[("product", "product_id")]))?;
    Ok((StatusCode::CREATED, Json(created.into())))
}
