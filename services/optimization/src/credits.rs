//! Credits (behind `RESUMAX_CREDITS_ENABLED`): an append-only ledger whose sum is the balance.
//! A run is debited in the transaction that records it and refunded in the transaction that
//! marks it failed; a unique index allows one debit and one refund per run, so no retry or race
//! can charge twice.

use resumax_core::ids::new_id;
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::credit_ledger;
use resumax_db::{db_error, now};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect,
    Set, Statement,
};

pub const GRANT: &str = "grant";
pub const DEBIT: &str = "debit";
pub const REFUND: &str = "refund";

pub async fn balance<C: ConnectionTrait>(conn: &C, user: &str) -> Result<i64> {
    let sum: Option<Option<i64>> = credit_ledger::Entity::find()
        .select_only()
        .column_as(credit_ledger::Column::Delta.sum(), "balance")
        .filter(credit_ledger::Column::UserId.eq(user))
        .into_tuple()
        .one(conn)
        .await
        .map_err(db_error("reading a credit balance"))?;
    Ok(sum.flatten().unwrap_or(0))
}

/// Serialises balance checks of one user inside the caller's transaction (PostgreSQL; SQLite
/// already runs one writer at a time).
async fn lock_user<C: ConnectionTrait>(conn: &C, user: &str) -> Result<()> {
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [user.into()],
        ))
        .await
        .map_err(db_error("locking a credit balance"))?;
    }
    Ok(())
}

fn entry(user: &str, optimization_id: Option<&str>, delta: i32, reason: &str) -> credit_ledger::ActiveModel {
    credit_ledger::ActiveModel {
        id: Set(new_id().to_string()),
        user_id: Set(user.into()),
        optimization_id: Set(optimization_id.map(str::to_string)),
        delta: Set(delta),
        reason: Set(reason.into()),
        created_at: Set(now()),
    }
}

/// Takes one credit for a run, inside the transaction that records the run.
pub async fn debit<C: ConnectionTrait>(txn: &C, user: &str, optimization_id: &str) -> Result<()> {
    lock_user(txn, user).await?;
    if balance(txn, user).await? < 1 {
        return Err(Error::new(
            ErrorCode::InsufficientCredits,
            "no credits left: an optimization costs one credit",
        ));
    }
    entry(user, Some(optimization_id), -1, DEBIT).insert(txn).await.map_err(db_error("debiting a credit"))?;
    Ok(())
}

/// Gives back the credit of a failed run, if it was charged and not yet refunded.
pub async fn refund<C: ConnectionTrait>(txn: &C, user: &str, optimization_id: &str) -> Result<()> {
    let entries = credit_ledger::Entity::find()
        .filter(credit_ledger::Column::OptimizationId.eq(optimization_id))
        .all(txn)
        .await
        .map_err(db_error("reading a run's credits"))?;
    let charged = entries.iter().any(|e| e.reason == DEBIT);
    let refunded = entries.iter().any(|e| e.reason == REFUND);
    if charged && !refunded {
        entry(user, Some(optimization_id), 1, REFUND)
            .insert(txn)
            .await
            .map_err(db_error("refunding a credit"))?;
    }
    Ok(())
}

/// Adds credits to a user's balance (an operator action: `resumax credits grant`).
pub async fn grant<C: ConnectionTrait>(conn: &C, user: &str, amount: i32) -> Result<i64> {
    if amount < 1 {
        return Err(Error::invalid_input("a grant must be at least one credit"));
    }
    entry(user, None, amount, GRANT).insert(conn).await.map_err(db_error("granting credits"))?;
    balance(conn, user).await
}
