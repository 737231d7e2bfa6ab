//! Database connection by URL scheme, migrations and entities (sea-orm)
