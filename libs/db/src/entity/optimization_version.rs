use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "optimization_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub optimization_id: String,
    pub resume_id: String,
    pub score: i32,
    pub accepted_changes: String,
    pub optimized: String,
    pub diff: String,
    pub notes: Option<String>,
    /// JSON lists; null on versions saved before they existed.
    pub edited_changes: Option<String>,
    pub rejected_changes: Option<String>,
    pub warnings: Option<String>,
    /// The accepted set (ids and edits) as canonical JSON: the same set saves one version.
    pub accept_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
