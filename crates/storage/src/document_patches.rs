//! Links between support documents and the patches that solve them. Staff who write in
//! support documents (and may read podpora) link and unlink; each side lists only the
//! records of the other that the reader may see, through that agenda's own access layer.

use supportweb_domain::Actor;
use supportweb_domain::ids::{DocumentId, PatchId};
use supportweb_domain::patch::{PatchState, PatchVisibility};
use supportweb_domain::support_document::Party;
use uuid::Uuid;

use crate::history::FieldChange;
use crate::patches::PatchRecord;
use crate::support_documents::{DocumentError, DocumentRecord, ENTITY};
use crate::{Store, StoreError, now, on_pool, on_tx};

impl Store {
    /// Links (`linked`) or unlinks a patch and a document; the change enters the document's
    /// history. Both must be visible to the actor, who must be staff working on the
    /// document; anyone else gets [`DocumentError::NotAllowed`] or not found. A draft, or a
    /// patch not offered to the document's organisation, cannot be linked.
    pub async fn link_patch(
        &self,
        actor: &Actor,
        document: DocumentId,
        patch: PatchId,
        linked: bool,
    ) -> Result<(), DocumentError> {
        let record = self.document(actor, document).await?;
        if !Party::of(actor, record.organisation_id).is_some_and(Party::is_staff) {
            return Err(DocumentError::NotAllowed);
        }
        let patch = match self.patch(actor, patch).await {
            Ok(patch) => patch,
            Err(StoreError::NotFound) => return Err(DocumentError::Invalid("patch")),
            Err(e) => return Err(e.into()),
        };
        // Only a patch the document's organisation is offered may be linked: its readers
        // then see nothing (not even a title in the history) of a draft or of a patch chosen
        // for someone else.
        if linked {
            let offered = patch.visibility == PatchVisibility::All
                || self
                    .patch_organisations(actor, patch.id)
                    .await?
                    .iter()
                    .any(|(o, _)| *o == record.organisation_id);
            if patch.state == PatchState::Draft || !offered {
                return Err(DocumentError::Invalid("patch"));
            }
        }
        let label = format!("{} {}", patch.title, patch.build);
        let mut tx = self.begin().await?;
        if linked
            && !tx
                .patch_offered(patch.id, record.organisation_id, true)
                .await?
        {
            return Err(DocumentError::Invalid("patch"));
        }
        let changed = if linked {
            on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO support_document_patches (document_id, patch_id, linked_by, linked_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(document.0)
                .bind(patch.id.0)
                .bind(actor.user_id.0)
                .bind(now())
                .execute(conn)
                .await?
                .rows_affected()
            })
        } else {
            on_tx!(tx, conn => {
                sqlx::query(
                    "DELETE FROM support_document_patches WHERE document_id = $1 AND patch_id = $2",
                )
                .bind(document.0)
                .bind(patch.id.0)
                .execute(conn)
                .await?
                .rows_affected()
            })
        };
        if changed == 1 {
            let (old, new) = if linked {
                (String::new(), label)
            } else {
                (label, String::new())
            };
            tx.record_changes(
                ENTITY,
                document.0,
                actor.user_id,
                &[FieldChange {
                    field: "patch",
                    old,
                    new,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The patches linked to a document the actor has read, those it may see.
    pub async fn document_patches(
        &self,
        actor: &Actor,
        document: &DocumentRecord,
    ) -> Result<Vec<PatchRecord>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT patch_id FROM support_document_patches WHERE document_id = $1 ORDER BY patch_id",
            )
            .bind(document.id.0)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::new();
        for id in ids {
            match self.patch(actor, PatchId(id)).await {
                Ok(patch) => out.push(patch),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The support documents linked to a patch the actor has read, those it may see.
    pub async fn patch_documents(
        &self,
        actor: &Actor,
        patch: &PatchRecord,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT document_id FROM support_document_patches WHERE patch_id = $1 ORDER BY document_id",
            )
            .bind(patch.id.0)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::new();
        for id in ids {
            match self.document(actor, DocumentId(id)).await {
                Ok(document) => out.push(document),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
