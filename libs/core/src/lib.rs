//! The domain core of resuMAX: the types every service speaks, the closed set of error codes, and
//! the client traits through which services call each other.
//!
//! This crate knows no backend, no HTTP and no gRPC transport. A trait here is implemented twice:
//! by the service itself (called directly when the peer runs in the same process) and by its gRPC
//! client (when the peer runs elsewhere). Callers never know which one they hold.

pub mod api;
pub mod error;
pub mod ids;
pub mod job_description;
pub mod notices;
pub mod optimization;
pub mod resume;
pub mod score;

pub use error::{Error, ErrorCode, Result};
