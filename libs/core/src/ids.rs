//! Identifiers. Ids are UUIDs (v7, so they sort by creation time); parsing one from user input is
//! the only way to get one, so a malformed id never reaches a query.

use crate::Error;

/// The user id is the JWT `sub`: an opaque string chosen by the identity provider.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    pub fn parse(sub: &str) -> Result<Self, Error> {
        let sub = sub.trim();
        if sub.is_empty() || sub.len() > 200 || sub.chars().any(char::is_control) {
            return Err(Error::new(crate::ErrorCode::Unauthorized, "token subject is not a valid user id"));
        }
        Ok(UserId(sub.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new time-ordered id.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Parses an id given by a client; `what` names it in the error ("resumeId").
pub fn parse_id(value: &str, what: &str) -> Result<uuid::Uuid, Error> {
    uuid::Uuid::parse_str(value.trim())
        .map_err(|_| Error::invalid_input(format!("{what} is not a valid UUID: {}", echoed(value))))
}

/// A client's value as an error message may repeat it: quoted, and cut to a short prefix, enough
/// to recognise the mistake and never the whole of an attacker's megabyte.
pub fn echoed(value: &str) -> String {
    const SHOWN: usize = 64;
    let shown: String = value.chars().take(SHOWN).collect();
    let more = if value.chars().count() > SHOWN { "..." } else { "" };
    format!("{shown:?}{more}")
}
