//! Forward-only migrations, applied in order inside a transaction each and recorded in
//! `schema_migrations`. Tables are described with sea-query's schema builder so the same
//! migration produces the right DDL for SQLite and PostgreSQL.

use resumax_core::Error;
use sea_orm::sea_query::{ColumnDef, Index, Table, TableCreateStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::db_error;

struct Migration {
    version: i64,
    name: &'static str,
    statements: fn(backend: sea_orm::DatabaseBackend) -> Vec<String>,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial schema", statements: initial_schema },
    Migration { version: 2, name: "credits and provider accounting", statements: credits_and_accounting },
    Migration { version: 3, name: "trace context on outbox rows", statements: outbox_trace_context },
    Migration { version: 4, name: "version audit and accept key", statements: version_audit },
    Migration { version: 5, name: "export design", statements: export_design },
];

/// Applies every migration not yet applied, all in one transaction. Safe to run on every start
/// and from several processes at once.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), Error> {
    let backend = db.get_database_backend();
    let txn = db.begin().await.map_err(db_error("starting migrations"))?;
    if backend == sea_orm::DatabaseBackend::Postgres {
        // Replicas (or the migration Job and a replica) may start at once: one migrates, the
        // others wait on this lock, held until the commit, and then find nothing left to do.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7261746)")
            .await
            .map_err(db_error("locking migrations"))?;
    }
    let create = Table::create()
        .table("schema_migrations")
        .if_not_exists()
        .col(ColumnDef::new("version").big_integer().not_null().primary_key())
        .col(ColumnDef::new("name").string().not_null())
        .col(ColumnDef::new("applied_at").timestamp_with_time_zone().not_null())
        .to_owned();
    txn.execute(&create).await.map_err(db_error("creating the migrations table"))?;
    for migration in MIGRATIONS {
        let applied = txn
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DatabaseBackend::Postgres => {
                        "SELECT version FROM schema_migrations WHERE version = $1"
                    }
                    _ => "SELECT version FROM schema_migrations WHERE version = ?",
                },
                [migration.version.into()],
            ))
            .await
            .map_err(db_error("reading applied migrations"))?;
        if applied.is_some() {
            continue;
        }
        for sql in (migration.statements)(backend) {
            txn.execute_unprepared(&sql).await.map_err(db_error(migration.name))?;
        }
        let insert = sea_orm::sea_query::Query::insert()
            .into_table("schema_migrations")
            .columns(["version", "name", "applied_at"])
            .values_panic([migration.version.into(), migration.name.into(), crate::now().into()])
            .to_owned();
        txn.execute(&insert).await.map_err(db_error("recording a migration"))?;
        tracing::info!(version = migration.version, name = migration.name, "migration applied");
    }
    txn.commit().await.map_err(db_error("committing migrations"))?;
    Ok(())
}

fn id(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().to_owned()
}
fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().to_owned()
}
fn optional_text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().to_owned()
}
fn timestamp(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
}

/// Columns every owned table has: id, user_id, created_at, updated_at, deleted_at.
fn owned_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(id("id").primary_key())
        .col(text("user_id"))
        .col(timestamp("created_at"))
        .col(timestamp("updated_at"))
        .col(ColumnDef::new("deleted_at").timestamp_with_time_zone().null())
        .to_owned()
}

fn initial_schema(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    let resumes = owned_table("resumes")
        .col(text("file_name"))
        .col(text("format"))
        .col(ColumnDef::new("size_bytes").big_integer().not_null())
        .col(text("storage_key"))
        .col(text("parse_status"))
        .col(optional_text("parsed"))
        .col(optional_text("error_code"))
        .col(optional_text("error_message"))
        .to_owned();
    let job_descriptions = owned_table("job_descriptions")
        .col(text("source"))
        .col(optional_text("file_name"))
        .col(text("storage_key"))
        .col(optional_text("hints"))
        .col(text("parse_status"))
        .col(optional_text("parsed"))
        .col(optional_text("error_code"))
        .col(optional_text("error_message"))
        .to_owned();
    let optimization_requests = owned_table("optimization_requests")
        .col(id("resume_id"))
        .col(id("job_description_id"))
        .col(text("strategy"))
        .col(text("status"))
        .col(optional_text("idempotency_key"))
        .col(text("request_id"))
        .col(optional_text("error_code"))
        .col(optional_text("error_message"))
        .col(optional_text("provider"))
        .col(optional_text("model"))
        .col(ColumnDef::new("score_before").integer().null())
        .col(ColumnDef::new("score_after").integer().null())
        .col(ColumnDef::new("attempts").integer().not_null().default(0))
        .col(optional_text("result"))
        .col(optional_text("output_key"))
        .to_owned();
    let optimization_versions = owned_table("optimization_versions")
        .col(id("optimization_id"))
        .col(id("resume_id"))
        .col(ColumnDef::new("score").integer().not_null())
        .col(text("accepted_changes"))
        .col(text("optimized"))
        .col(text("diff"))
        .col(optional_text("notes"))
        .foreign_key(
            sea_orm::sea_query::ForeignKey::create()
                .from("optimization_versions", "optimization_id")
                .to("optimization_requests", "id"),
        )
        .to_owned();
    let export_artifacts = owned_table("export_artifacts")
        .col(id("version_id"))
        .col(text("format"))
        .col(text("status"))
        .col(optional_text("storage_key"))
        .col(optional_text("error_message"))
        // No foreign key to optimization_versions: that table belongs to another service, which
        // may live in another database in the distributed mode.
        .to_owned();
    // The outbox makes "row committed" and "job published" one atomic fact: the row is written in
    // the same transaction as the request, and a relay publishes then deletes it.
    let outbox = Table::create()
        .table("outbox")
        .col(id("id").primary_key())
        .col(text("subject"))
        .col(text("dedup_id"))
        .col(ColumnDef::new("payload").blob().not_null())
        .col(timestamp("created_at"))
        .to_owned();
    let audit_log = Table::create()
        .table("audit_log")
        .col(id("id").primary_key())
        .col(text("user_id"))
        .col(text("action"))
        .col(text("entity_id"))
        .col(optional_text("detail"))
        .col(text("request_id"))
        .col(timestamp("created_at"))
        .to_owned();

    let build = |statement: &TableCreateStatement| backend.build(statement).to_string();
    let mut statements: Vec<String> = [
        resumes,
        job_descriptions,
        optimization_requests,
        optimization_versions,
        export_artifacts,
        outbox,
        audit_log,
    ]
    .iter()
    .map(build)
    .collect();
    let index = |name: &'static str, table: &'static str, columns: &[&'static str], unique: bool| {
        let mut index = Index::create().name(name).table(table).to_owned();
        for column in columns {
            index.col(*column);
        }
        if unique {
            index.unique();
        }
        backend.build(&index).to_string()
    };
    statements.push(index("resumes_user", "resumes", &["user_id", "id"], false));
    statements.push(index("job_descriptions_user", "job_descriptions", &["user_id", "id"], false));
    statements.push(index("optimization_requests_user", "optimization_requests", &["user_id", "id"], false));
    statements.push(index("optimization_versions_user", "optimization_versions", &["user_id", "id"], false));
    statements.push(index("export_artifacts_user", "export_artifacts", &["user_id", "id"], false));
    statements.push(index(
        "optimization_requests_idempotency",
        "optimization_requests",
        &["user_id", "idempotency_key"],
        true,
    ));
    // One active run per (user, resume, JD). Partial unique indexes have the same syntax in
    // SQLite and PostgreSQL; sea-query's builder has no WHERE for indexes.
    statements.push(
        "CREATE UNIQUE INDEX optimization_requests_one_active ON optimization_requests \
         (user_id, resume_id, job_description_id) \
         WHERE status IN ('queued', 'processing', 'generating') AND deleted_at IS NULL"
            .to_string(),
    );
    statements
}

/// The append-only credit ledger (a user's balance is the sum of `delta`), and what each run
/// cost: prompt template version, tokens, latency and estimated cost of the provider call.
fn credits_and_accounting(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    let ledger = Table::create()
        .table("credit_ledger")
        .col(id("id").primary_key())
        .col(text("user_id"))
        .col(ColumnDef::new("optimization_id").string_len(36).null())
        .col(ColumnDef::new("delta").integer().not_null())
        .col(text("reason"))
        .col(timestamp("created_at"))
        .to_owned();
    let mut statements = vec![backend.build(&ledger).to_string()];
    statements.push(
        backend
            .build(
                &Index::create().name("credit_ledger_user").table("credit_ledger").col("user_id").to_owned(),
            )
            .to_string(),
    );
    // At most one debit and one refund per run, whatever retries or races happen.
    statements.push(
        "CREATE UNIQUE INDEX credit_ledger_once_per_run ON credit_ledger (optimization_id, reason) \
         WHERE optimization_id IS NOT NULL"
            .to_string(),
    );
    // SQLite takes one column per ALTER TABLE.
    for column in [
        ColumnDef::new("template_version").text().null().to_owned(),
        ColumnDef::new("prompt_tokens").integer().null().to_owned(),
        ColumnDef::new("completion_tokens").integer().null().to_owned(),
        ColumnDef::new("latency_ms").big_integer().null().to_owned(),
        ColumnDef::new("cost_micros").big_integer().null().to_owned(),
        ColumnDef::new("prompt_key").text().null().to_owned(),
    ] {
        let alter = Table::alter().table("optimization_requests").add_column(column).to_owned();
        statements.push(backend.build(&alter).to_string());
    }
    statements
}

/// The trace of the request that recorded a job travels with its outbox row, so the relay can
/// publish the job into the same trace.
fn outbox_trace_context(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    let alter = Table::alter()
        .table("outbox")
        .add_column(ColumnDef::new("trace_context").text().null().to_owned())
        .to_owned();
    vec![backend.build(&alter).to_string()]
}

/// What a version records of its accept (edited and rejected change ids, the guard's warnings)
/// and the key that makes the same accept answer the same version. SQLite adds one column per
/// statement.
fn version_audit(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    ["edited_changes", "rejected_changes", "warnings", "accept_key"]
        .into_iter()
        .map(|column| {
            let alter = Table::alter()
                .table("optimization_versions")
                .add_column(ColumnDef::new(column).text().null().to_owned())
                .to_owned();
            backend.build(&alter).to_string()
        })
        .collect()
}

/// The look an export was asked in (null on older rows: classic).
fn export_design(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    let alter = Table::alter()
        .table("export_artifacts")
        .add_column(ColumnDef::new("design").text().null().to_owned())
        .to_owned();
    vec![backend.build(&alter).to_string()]
}
