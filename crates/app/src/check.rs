//! `supportweb check`: whether a running installation is whole — the database's own
//! integrity, every file row with its object of the recorded size and SHA-256, and objects
//! no row names (orphans, optionally removed). Read-only unless orphans are to be removed.

use std::collections::HashSet;

use chrono::Duration;

use crate::{App, Result};

/// Objects younger than this are never orphans: an upload stores its object before its row
/// is committed.
const ORPHAN_AGE_HOURS: i64 = 1;

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Problems the database reports about itself.
    pub database: Vec<String>,
    /// File rows checked.
    pub files_checked: u64,
    /// File rows whose object is missing (`key (file id)`).
    pub missing: Vec<String>,
    /// File rows whose object has another size or SHA-256.
    pub damaged: Vec<String>,
    /// Objects no file row names, older than an hour.
    pub orphans: Vec<String>,
    /// Orphans removed (with `--remove-orphans`).
    pub removed: usize,
}

impl CheckReport {
    /// Whether nothing is wrong (orphans that were removed do not count).
    pub fn is_whole(&self) -> bool {
        self.database.is_empty()
            && self.missing.is_empty()
            && self.damaged.is_empty()
            && self.orphans.len() == self.removed
    }
}

impl App {
    /// Checks the installation; with `remove_orphans`, deletes the orphaned objects found.
    pub async fn check(&self, remove_orphans: bool) -> Result<CheckReport> {
        let store = self.store();
        let files = self.files();
        let mut report = CheckReport {
            database: store.integrity_problems().await?,
            ..CheckReport::default()
        };
        let mut keys = HashSet::new();
        let mut after = None;
        loop {
            let rows = store.file_rows(after, 500).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = Some(last.id);
            for row in rows {
                report.files_checked += 1;
                match files.digest(&row.storage_key).await? {
                    None => report
                        .missing
                        .push(format!("{} (file {})", row.storage_key, row.id)),
                    Some((size, sha256))
                        if i64::try_from(size).ok() != Some(row.size_bytes)
                            || sha256 != row.sha256 =>
                    {
                        report.damaged.push(format!(
                            "{} (file {}): {size} bytes, SHA-256 {sha256}; recorded {} bytes, {}",
                            row.storage_key, row.id, row.size_bytes, row.sha256
                        ));
                    }
                    Some(_) => {}
                }
                keys.insert(row.storage_key);
            }
        }
        let settled = chrono::Utc::now() - Duration::hours(ORPHAN_AGE_HOURS);
        for (key, written) in files.objects().await? {
            if written < settled && !keys.contains(&key) {
                report.orphans.push(key);
            }
        }
        if remove_orphans {
            if report.files_checked == 0 && !report.orphans.is_empty() {
                // Objects but not one row: the wrong database, never a store of orphans.
                return Err(crate::Error::Internal(
                    "no file rows in this database: refusing to remove any object".into(),
                ));
            }
            let mut removed = Vec::new();
            for key in std::mem::take(&mut report.orphans) {
                // A row committed since the scan (a slow upload) saves its object.
                if store.file_key_known(&key).await? {
                    continue;
                }
                files.delete(&key).await?;
                removed.push(key);
            }
            report.removed = removed.len();
            report.orphans = removed;
        }
        Ok(report)
    }
}
