//! The customer timeline (`timeline_events`, migration 26): what happened in one
//! organisation's agendas, newest first, keyset-paged by `(at, id)`.
//!
//! Each agenda is read by its own index range `(organisation_id, agenda, at, id)` and the
//! pages are merged, so a page costs the same however many events an organisation has and
//! whichever agendas the reader holds. A customer's reading is scoped inside each query:
//! only the agendas its membership grants, never an internal note, never a draft protocol,
//! only patches it may open.

use chrono::{DateTime, Utc};
use supportweb_domain::access::Actor;
use supportweb_domain::ids::OrganisationId;
use uuid::Uuid;

use crate::{Store, StoreError, on_pool};

/// The parts of an organisation's life the timeline shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineAgenda {
    /// Support documents: opened, states, replies (internal notes for staff), patches linked.
    SupportDocuments,
    /// Customization orders: submitted, every step, replies (internal notes for staff).
    CustomizationOrders,
    /// Protocols: issued revisions, confirmations and objections, tasks due and done.
    Protocols,
    /// Patches published for the organisation (or for everyone).
    Podpora,
    /// Support contracts concluded and changed.
    Contracts,
}

impl TimelineAgenda {
    /// Every part, in the order filters show them.
    pub const ALL: [TimelineAgenda; 5] = [
        TimelineAgenda::SupportDocuments,
        TimelineAgenda::CustomizationOrders,
        TimelineAgenda::Protocols,
        TimelineAgenda::Podpora,
        TimelineAgenda::Contracts,
    ];

    /// The name stored in `timeline_events.agenda` (and used in URLs and the API).
    pub fn as_str(self) -> &'static str {
        match self {
            TimelineAgenda::SupportDocuments => "support_documents",
            TimelineAgenda::CustomizationOrders => "customization_orders",
            TimelineAgenda::Protocols => "protocols",
            TimelineAgenda::Podpora => "podpora",
            TimelineAgenda::Contracts => "contracts",
        }
    }

    /// From [`TimelineAgenda::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TimelineEvent {
    /// Position in the timeline (the cursor of the next page).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Which part ([`TimelineAgenda::as_str`]).
    pub agenda: String,
    /// What happened: `document_opened`, `document_state`, `document_reply`,
    /// `document_note`, `document_patch`, `order_submitted`, `order_state`, `order_reply`,
    /// `order_note`, `protocol_issued`, `protocol_confirmed`, `protocol_objected`,
    /// `task_due`, `task_done`, `patch_published`, `contract_concluded`, `contract_changed`.
    pub kind: String,
    /// The record it happened to.
    pub record_id: Uuid,
    /// The record's number and name at the time.
    pub title: String,
    /// The new state, the revision, the task or the release day.
    pub detail: String,
    /// The agenda of a related record (empty: none).
    pub link_agenda: String,
    /// The related record.
    pub link_id: Option<Uuid>,
    /// Its number or name.
    pub link_label: String,
}

const EVENT_COLUMNS: &str = "e.id, e.at, e.agenda, e.kind, e.record_id, e.title, e.detail,
     e.link_agenda, e.link_id, e.link_label";

impl Store {
    /// Up to `limit` events of `organisation` in `agendas`, newest first, older than the
    /// event `after`; events dated after `now` (a task's due day to come) wait for their day.
    /// A customer or partner user reads only an organisation it belongs to, and in it only
    /// the agendas its membership grants (contracts with any membership).
    pub async fn timeline(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
        agendas: &[TimelineAgenda],
        after: Option<i64>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<TimelineEvent>, StoreError> {
        let granted = self.timeline_agendas(actor, organisation).await?;
        let cursor = match after {
            Some(id) => {
                let at: Option<DateTime<Utc>> = on_pool!(self, pool => {
                    sqlx::query_scalar(
                        "SELECT at FROM timeline_events
                         WHERE id = $1 AND (organisation_id = $2 OR organisation_id IS NULL)",
                    )
                    .bind(id)
                    .bind(organisation.0)
                    .fetch_optional(pool)
                    .await?
                });
                at.map(|at| (at, id))
            }
            None => None,
        };
        let mut events: Vec<TimelineEvent> = Vec::new();
        for agenda in agendas.iter().filter(|a| granted.contains(a)) {
            events.extend(
                self.timeline_part(actor, Some(organisation), *agenda, cursor, limit, now)
                    .await?,
            );
            if *agenda == TimelineAgenda::Podpora {
                // Patches published for everyone belong to every organisation's timeline.
                events.extend(
                    self.timeline_part(actor, None, *agenda, cursor, limit, now)
                        .await?,
                );
            }
        }
        events.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        events.truncate(usize::try_from(limit.max(0)).unwrap_or(0));
        if !actor.is_staff() {
            self.hide_unseen_links(actor, &granted, &mut events).await?;
        }
        Ok(events)
    }

    /// The parts of `organisation`'s timeline the actor may read: staff by their roles,
    /// customers by their membership in it (none without one).
    pub async fn timeline_agendas(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
    ) -> Result<Vec<TimelineAgenda>, StoreError> {
        use supportweb_domain::agenda::Agenda;
        use supportweb_domain::permissions::{Action, AdminArea, Area};
        if actor.is_staff() {
            return Ok(TimelineAgenda::ALL
                .into_iter()
                .filter(|a| {
                    let area = match a {
                        TimelineAgenda::SupportDocuments => Area::Agenda(Agenda::SupportDocuments),
                        TimelineAgenda::CustomizationOrders => {
                            Area::Agenda(Agenda::CustomizationOrders)
                        }
                        TimelineAgenda::Protocols => Area::Agenda(Agenda::Protocols),
                        TimelineAgenda::Podpora => Area::Agenda(Agenda::Podpora),
                        TimelineAgenda::Contracts => Area::Admin(AdminArea::Contracts),
                    };
                    actor.staff_may(area, Action::Read)
                })
                .collect());
        }
        // The membership as stored now, not as the session began.
        let rights: Option<(String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT right_documents, right_orders, right_protocols, right_podpora
                 FROM organisation_memberships WHERE user_id = $1 AND organisation_id = $2",
            )
            .bind(actor.user_id.0)
            .bind(organisation.0)
            .fetch_optional(pool)
            .await?
        });
        let Some((documents, orders, protocols, podpora)) = rights else {
            return Err(StoreError::NotFound);
        };
        let reads = |right: &str| right == "read" || right == "write";
        Ok([
            (TimelineAgenda::SupportDocuments, reads(&documents)),
            (TimelineAgenda::CustomizationOrders, reads(&orders)),
            (TimelineAgenda::Protocols, reads(&protocols)),
            (TimelineAgenda::Podpora, reads(&podpora)),
            (TimelineAgenda::Contracts, true),
        ]
        .into_iter()
        .filter_map(|(agenda, yes)| yes.then_some(agenda))
        .collect())
    }

    /// One agenda's page: `organisation`'s events, or (None) those of everyone.
    async fn timeline_part(
        &self,
        actor: &Actor,
        organisation: Option<OrganisationId>,
        agenda: TimelineAgenda,
        cursor: Option<(DateTime<Utc>, i64)>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<TimelineEvent>, StoreError> {
        let mut sql = format!(
            "SELECT {EVENT_COLUMNS} FROM timeline_events e
             WHERE {} AND e.agenda = $2 AND e.at <= $3",
            if organisation.is_some() {
                "e.organisation_id = $1"
            } else {
                "e.organisation_id IS NULL AND $1 IS NULL"
            }
        );
        if !actor.is_staff() {
            sql.push_str(" AND e.staff_only = FALSE");
            match agenda {
                // Never a draft; and, like the tasks overview, the tasks of a protocol
                // being revised wait until it is issued again.
                TimelineAgenda::Protocols => sql.push_str(
                    " AND e.record_id IN (SELECT p.id FROM protocols p
                       WHERE p.organisation_id = $1 AND (p.state IN ('issued', 'confirmed')
                         OR (p.state = 'objected' AND e.kind NOT LIKE 'task%')))",
                ),
                TimelineAgenda::Podpora => sql.push_str(&format!(
                    " AND e.record_id IN (SELECT p.id FROM patches p WHERE {})",
                    crate::patches::CUSTOMER_SEES.replace("$1", "$6")
                )),
                _ => {}
            }
        }
        if cursor.is_some() {
            sql.push_str(" AND (e.at < $4 OR (e.at = $4 AND e.id < $5))");
        } else {
            sql.push_str(" AND $4 IS NULL AND $5 IS NULL");
        }
        sql.push_str(" ORDER BY e.at DESC, e.id DESC LIMIT $7");
        let rows: Vec<TimelineEvent> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(organisation.map(|o| o.0))
                .bind(agenda.as_str())
                .bind(now)
                .bind(cursor.map(|c| c.0))
                .bind(cursor.map(|c| c.1))
                .bind(actor.user_id.0)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Blanks the related record of events whose link a customer may not follow: an agenda
    /// it does not hold, a patch not offered to it.
    async fn hide_unseen_links(
        &self,
        actor: &Actor,
        granted: &[TimelineAgenda],
        events: &mut [TimelineEvent],
    ) -> Result<(), StoreError> {
        let mut patches: Vec<Uuid> = events
            .iter()
            .filter(|e| e.link_agenda == "patches")
            .filter_map(|e| e.link_id)
            .collect();
        patches.sort();
        patches.dedup();
        let mut offered: Vec<Uuid> = Vec::new();
        if granted.contains(&TimelineAgenda::Podpora) {
            for patch in patches {
                let seen: Option<Uuid> = on_pool!(self, pool => {
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT p.id FROM patches p WHERE p.id = $2 AND {}",
                        crate::patches::CUSTOMER_SEES
                    )))
                    .bind(actor.user_id.0)
                    .bind(patch)
                    .fetch_optional(pool)
                    .await?
                });
                offered.extend(seen);
            }
        }
        for event in events.iter_mut() {
            let follows = match event.link_agenda.as_str() {
                "patches" => event.link_id.is_some_and(|id| offered.contains(&id)),
                "support_documents" => granted.contains(&TimelineAgenda::SupportDocuments),
                _ => true,
            };
            if !follows {
                event.link_agenda.clear();
                event.link_id = None;
                event.link_label.clear();
            }
        }
        Ok(())
    }
}
