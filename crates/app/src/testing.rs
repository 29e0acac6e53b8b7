//! The application on a temporary store and files folder, for the use-case tests of this
//! crate and the tests of the crates above it. The builders of organisations, contracts,
//! users and records are the store's ([`supportweb_storage::testing::build`]), re-exported
//! here so every test file reaches them from one place.

use supportweb_storage::testing::{self as store_testing, TestStore};

use crate::{App, Error, FileStore, Settings};

pub use supportweb_storage::testing::build;
pub use supportweb_storage::testing::in_ci;

/// The public address the test application believes it has.
pub const ORIGIN: &str = "http://127.0.0.1:8080";

/// The support address of the test application (e-mail in is on).
pub const SUPPORT_ADDRESS: &str = "podpora@example.cz";

/// An application over a temporary store and files folder; both live as long as this value.
pub struct TestApp {
    /// The application.
    pub app: App,
    /// The store underneath (for setting up data and looking behind the use cases).
    pub db: TestStore,
    files_dir: tempfile::TempDir,
}

impl TestApp {
    /// The application on `db`, with a new files folder and a 10 MiB upload limit.
    pub fn on(db: TestStore) -> Self {
        let files_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"));
        let files = FileStore::local(files_dir.path(), 10 * 1024 * 1024)
            .unwrap_or_else(|e| panic!("files folder: {e}"));
        let mut settings = Settings::for_url(ORIGIN);
        settings.mail_in.address = Some(SUPPORT_ADDRESS.to_owned());
        let app = App::new(db.store.clone(), files, settings);
        TestApp { app, db, files_dir }
    }

    /// The same store and files folder with settings changed by `change`.
    pub fn configured(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.app.settings().clone();
        change(&mut settings);
        let files = FileStore::local(self.files_dir.path(), self.app.files().max_upload_bytes())
            .unwrap_or_else(|e| panic!("files folder: {e}"));
        self.app = App::new(self.db.store.clone(), files, settings);
        self
    }

    /// The folder the files are stored in.
    pub fn files_root(&self) -> &std::path::Path {
        self.files_dir.path()
    }

    /// The store.
    pub fn store(&self) -> &supportweb_storage::Store {
        &self.db.store
    }
}

/// The application on a new SQLite database.
pub async fn sqlite() -> TestApp {
    TestApp::on(store_testing::sqlite().await)
}

/// The application on a new PostgreSQL database, or `None` (with a message) when no server
/// is reachable outside CI.
pub async fn postgres() -> Option<TestApp> {
    store_testing::postgres().await.map(TestApp::on)
}

/// The refused fields of a use case's answer, in field order: each field's name and message
/// id. Anything but refused fields fails the test.
pub fn field_codes(error: Error) -> Vec<(String, &'static str)> {
    match error {
        Error::Invalid(fields) => fields
            .iter()
            .map(|(field, problem)| (field.to_owned(), problem.code))
            .collect(),
        other => panic!("expected field problems, got {other:?}"),
    }
}

/// Both backends: SQLite always, PostgreSQL when reachable (required with `CI=true`).
pub async fn both() -> Vec<TestApp> {
    let mut apps = vec![sqlite().await];
    apps.extend(postgres().await);
    apps
}

/// Declares one `#[tokio::test]` per backend for an `async fn(TestApp)` test body:
/// `both_backends!(my_test);` creates `my_test::sqlite` and `my_test::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::testing::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(test) = $crate::testing::postgres().await {
                        super::$name(test).await;
                    }
                }
            }
        )+
    };
}
