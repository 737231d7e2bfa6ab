//! Export service: renders accepted versions and stores them
