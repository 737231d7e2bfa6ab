//! Layered configuration: defaults, resumax.toml, RESUMAX_* env, flags
