//! Tracing setup shared by every process
