//! What a request does to a person's weekly load, and their free capacity over it: the app's
//! names for `domain::candidates`, with nothing planned alongside.

use super::*;
pub use crate::domain::candidates::ImpactWeek;
use crate::domain::candidates::{self, Candidate, Planned};

/// A person's weekly load over the request's impact span (its period, else the allocations
/// approval hardens) once approved ([`candidates::weeks`]). Empty when there is no span.
pub fn impact(ws: &Workspace, r: &Request, person: &Id) -> Vec<ImpactWeek> {
    candidates::weeks(ws, r, person, &Planned::new())
}

/// A person's free minutes (capacity minus load, before the request) over the request's impact
/// span; 0 when it has none.
pub fn free_for(ws: &Workspace, r: &Request, person: &Id) -> i64 {
    candidates::free_minutes(ws, r, person, &Planned::new())
}

/// People to staff an unnamed resource with, best first ([`candidates::rank`]).
pub fn candidates(ws: &Workspace, r: &Request) -> Vec<Candidate> {
    candidates::rank(ws, r, &Planned::new())
}
