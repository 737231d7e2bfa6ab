//! Database access for the services that own tables: connection by URL scheme (`sqlite://` for
//! the embedded mode, `postgres://` in production), migrations, and the sea-orm entities.
//!
//! Each service touches only its own tables (see DESIGN.md section 8); this crate holds all of
//! them so that one migration history describes one schema.

pub mod entity;
mod migrations;

use std::time::Duration;

use resumax_core::Error;
pub use sea_orm::DatabaseConnection;
use sea_orm::{ConnectOptions, Database};

pub use migrations::migrate;

/// Connects by URL scheme. SQLite gets WAL (readers never block the writer), foreign keys and a
/// busy timeout (a writer waits instead of failing with "database is locked").
pub async fn connect(url: &str) -> Result<DatabaseConnection, Error> {
    let mut options = ConnectOptions::new(url.to_string());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // One writer at a time is all SQLite allows; a small pool keeps readers concurrent.
        options.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    }
    Database::connect(options).await.map_err(|e| Error::storage("connecting to the database", e))
}

/// Maps a database error to the infrastructure error the client sees; the cause is logged.
pub fn db_error(operation: &str) -> impl FnOnce(sea_orm::DbErr) -> Error + '_ {
    move |e| Error::storage(operation, e)
}

/// Timestamps are UTC everywhere.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
