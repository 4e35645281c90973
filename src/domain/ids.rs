//! Identifiers that hold both Kantata's numeric-string ids and Ruddr's UUIDs.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::sync::Arc;

/// An opaque identifier. Kantata sends ids as strings or numbers ("10" or 10), Ruddr as UUIDs;
/// all are kept as text so one type serves every backend.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(Arc<str>);

impl Id {
    pub fn new(s: impl AsRef<str>) -> Self {
        Id(Arc::from(s.as_ref()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for ids of Ruddr's UUID form (8-4-4-4-12 hex digits).
    pub fn is_uuid(&self) -> bool {
        let parts: Vec<&str> = self.0.split('-').collect();
        parts.len() == 5
            && parts
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
    }

    /// The numeric value of a Kantata-style id, if it is one.
    pub fn as_number(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id::new(s)
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Id::new(n.to_string())
    }
}

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            U(u64),
            I(i64),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::S(s) => Id::new(s),
            Raw::U(n) => Id::from(n),
            Raw::I(n) => Id::new(n.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_string_and_number_forms_alike() {
        let a: Id = serde_json::from_str("\"10\"").unwrap();
        let b: Id = serde_json::from_str("10").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_number(), Some(10));
    }

    #[test]
    fn recognises_uuids() {
        assert!(Id::new("3f0b8c1e-4c2a-4b7e-9d1a-2f6e8a9b0c1d").is_uuid());
        assert!(!Id::new("10").is_uuid());
        assert!(!Id::new("3f0b8c1e-4c2a-4b7e-9d1a-2f6e8a9b0c1z").is_uuid());
    }
}
