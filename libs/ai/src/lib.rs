//! AI provider trait, the offline rewriter and the truthfulness guard.
//!
//! Every provider answers a [`RewriteRequest`] with [`Suggestion`]s; every suggestion from every
//! provider then goes through [`guard`] (or [`guard_with_report`]), which drops anything that
//! invents employers, schools, degrees or dates and flags new numbers or unverified skills as
//! uncertain.

mod guard;
mod offline;
mod provider;
mod words;

pub use guard::{Guarded, guard, guard_with_report};
pub use offline::OfflineProvider;
pub use provider::{Provider, ProviderError, RewriteRequest};
pub use resumax_core::optimization::Suggestion;

/// The text a `Skills { section }` suggestion's `original` must equal: the section's skill items
/// joined with ", ". Providers and the guard share this one definition.
pub fn skills_text(skills: &[String]) -> String {
    skills.join(", ")
}
