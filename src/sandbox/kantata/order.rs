//! The order Kantata lists come in.
//!
//! Kantata sorts most lists by `updated_at:desc` unless `order` names another documented value
//! (`order=<field>:<asc|desc>`, "the valid fields are set per endpoint", api-notes.md A.4). So
//! an edit made while a client pages moves the edited row between pages, as it does on a real
//! account. Brainstem, the framework behind the format, appends a primary-key ascending
//! tie-breaker to every sort and silently replaces an order it does not know with the default
//! (capacity-apis.md §7, brainstem L219–238, L247–256): both are followed here.

use super::format::Params;
use crate::domain::Id;
use chrono::{DateTime, Utc};
use std::cmp::Reverse;

/// What a list can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    CreatedAt,
    UpdatedAt,
    Alphabetical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    pub field: Field,
    pub descending: bool,
}

const fn by(field: Field, descending: bool) -> Order {
    Order { field, descending }
}

/// One endpoint's documented `order` values and its default.
pub struct Orders {
    valid: &'static [(&'static str, Order)],
    default: Order,
}

/// `/workspace_allocations`: "Valid values: `updated_at:asc` and `updated_at:desc`", default
/// `updated_at:desc` (kantata-openapi/mavenlink-workspace-allocations-api-openapi.yml L121–128).
pub const ALLOCATIONS: Orders = Orders {
    valid: &[
        ("updated_at:asc", by(Field::UpdatedAt, false)),
        ("updated_at:desc", by(Field::UpdatedAt, true)),
    ],
    default: by(Field::UpdatedAt, true),
};

/// `/workspace_resources`: `alphabetical`, `alphabetically:asc|desc`, `created_at:asc|desc`,
/// `updated_at:asc|desc`, default `updated_at:desc`
/// (kantata-openapi/mavenlink-workspace-resources-api-openapi.yml L227–234). Alphabetical is by
/// the label the resource shows (`display_label`), which is the strictest reading: the document
/// does not name the field.
pub const RESOURCES: Orders = Orders {
    valid: &[
        ("alphabetical", by(Field::Alphabetical, false)),
        ("alphabetically:asc", by(Field::Alphabetical, false)),
        ("alphabetically:desc", by(Field::Alphabetical, true)),
        ("created_at:asc", by(Field::CreatedAt, false)),
        ("created_at:desc", by(Field::CreatedAt, true)),
        ("updated_at:asc", by(Field::UpdatedAt, false)),
        ("updated_at:desc", by(Field::UpdatedAt, true)),
    ],
    default: by(Field::UpdatedAt, true),
};

/// `/resource_requests` documents no `order` at all (api-notes.md A.10 lists its parameters) and
/// no default: the strictest plausible one is Kantata's usual `updated_at:desc`, under which a
/// request resolved during a read moves to the front. Any `order` given is ignored.
pub const REQUESTS: Orders = Orders {
    valid: &[],
    default: by(Field::UpdatedAt, true),
};

/// `/skill_memberships`: "Valid values: `created_at:asc`, `created_at:desc`, `full_name`,
/// `skill_name:asc`, and `skill_name:desc`", default `created_at:desc` (AE:skill-memberships
/// `order`). `full_name` (the user's) is not served: allot never asks for it, and an order not
/// served means the default.
pub const SKILL_MEMBERSHIPS: Orders = Orders {
    valid: &[
        ("created_at:asc", by(Field::CreatedAt, false)),
        ("created_at:desc", by(Field::CreatedAt, true)),
        ("skill_name:asc", by(Field::Alphabetical, false)),
        ("skill_name:desc", by(Field::Alphabetical, true)),
    ],
    default: by(Field::CreatedAt, true),
};

impl Orders {
    /// The order `params` asks for when it is one of this list's, else the default.
    pub fn pick(&self, params: &Params) -> Order {
        params
            .get("order")
            .and_then(|o| {
                let o = o.trim();
                self.valid.iter().find(|(name, _)| *name == o)
            })
            .map_or(self.default, |(_, order)| *order)
    }
}

/// What one record sorts by.
pub struct Keys<'a> {
    pub id: &'a Id,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub name: &'a str,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Primary {
    Time(i64),
    Name(String),
    NameDown(Reverse<String>),
}

/// Sorts `view` (indices of records) by `order`, ties by id ascending.
pub fn sort<'a>(view: &mut [usize], order: Order, keys: impl Fn(usize) -> Keys<'a>) {
    view.sort_by_cached_key(|&i| {
        let k = keys(i);
        let time = |t: DateTime<Utc>| {
            let ms = t.timestamp_millis();
            Primary::Time(if order.descending { -ms } else { ms })
        };
        let primary = match order.field {
            Field::CreatedAt => time(k.created),
            Field::UpdatedAt => time(k.updated),
            Field::Alphabetical if order.descending => {
                Primary::NameDown(Reverse(k.name.to_lowercase()))
            }
            Field::Alphabetical => Primary::Name(k.name.to_lowercase()),
        };
        (primary, k.id.as_number(), k.id.to_string())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn params(q: &str) -> Params {
        Params(
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_documented_order_is_honoured_and_anything_else_means_the_default() {
        let asc = by(Field::UpdatedAt, false);
        assert_eq!(ALLOCATIONS.pick(&params("order=updated_at:asc")), asc);
        let default = by(Field::UpdatedAt, true);
        assert_eq!(ALLOCATIONS.pick(&params("")), default);
        assert_eq!(ALLOCATIONS.pick(&params("order=id:asc")), default);
        assert_eq!(REQUESTS.pick(&params("order=updated_at:asc")), default);
        assert_eq!(
            RESOURCES.pick(&params("order=alphabetically:desc")),
            by(Field::Alphabetical, true)
        );
    }

    #[test]
    fn newest_first_by_default_with_ties_by_id_ascending() {
        let t = |s| Utc.timestamp_opt(s, 0).unwrap();
        let ids: Vec<Id> = ["10", "2", "3", "4"].into_iter().map(Id::new).collect();
        let updated = [t(5), t(5), t(9), t(1)];
        let names = ["b", "a", "C", "d"];
        let keys = |i: usize| Keys {
            id: &ids[i],
            created: t(0),
            updated: updated[i],
            name: names[i],
        };
        let run = |order| {
            let mut v = vec![0, 1, 2, 3];
            sort(&mut v, order, keys);
            v.iter().map(|&i| ids[i].to_string()).collect::<Vec<_>>()
        };
        assert_eq!(run(by(Field::UpdatedAt, true)), ["3", "2", "10", "4"]);
        assert_eq!(run(by(Field::UpdatedAt, false)), ["4", "2", "10", "3"]);
        assert_eq!(run(by(Field::CreatedAt, true)), ["2", "3", "4", "10"]);
        assert_eq!(run(by(Field::Alphabetical, true)), ["4", "3", "10", "2"]);
    }
}
