//! `allot requests approve|reject|cancel ID...`.

use super::{Act, Context, Exit, Lookup, load, load_requests, what};
use crate::client::sanitize::clean;
use crate::client::{Backend, Resolution};
use crate::domain::{Id, Request};
use std::collections::HashMap;
use std::io::Write;

/// `allot requests approve|reject|cancel ID...`: each id on its own, one line per success on
/// `out`, one `allot: request N: …` line per failure on `err`.
pub async fn resolve(
    backend: &dyn Backend,
    ctx: &Context,
    act: &Act,
    ids: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    // Nothing could be tried: say which ids were not done, not only why.
    let not_done = |err: &mut dyn Write| {
        let ids: Vec<String> = ids.iter().map(|i| clean(i.trim())).collect();
        let _ = writeln!(err, "allot: not done: {}", ids.join(", "));
    };
    let lookup = match load(backend, ctx, err).await {
        Ok(l) => l,
        Err(exit) => {
            not_done(err);
            return exit;
        }
    };
    // The staff for an unnamed resource, as typed (an id, email or name), as an id.
    let resolved;
    let act = match act {
        Act::Approve {
            staff: Some(typed),
            soft,
        } => {
            match super::people::find_id(&lookup.roster.people, typed.as_str(), "approve --user") {
                Ok(id) => {
                    resolved = Act::Approve {
                        staff: Some(id),
                        soft: *soft,
                    };
                    &resolved
                }
                Err(message) => {
                    let _ = writeln!(err, "allot: {message}");
                    not_done(err);
                    return Exit::Usage;
                }
            }
        }
        _ => act,
    };
    let requests: HashMap<Id, Request> = match load_requests(backend, err).await {
        Ok(r) => r.into_iter().map(|q| (q.id.clone(), q)).collect(),
        Err(exit) => {
            not_done(err);
            return exit;
        }
    };
    let mut failed = false;
    for raw in ids {
        let id = Id::new(raw.trim());
        let shown = clean(id.as_str());
        let known = requests.get(&id);
        let result = match known.and_then(|q| refusal(&lookup, act, q)) {
            Some(message) => Err(message),
            None => backend
                .resolve_request(id.clone(), resolution(act))
                .await
                .map_err(|e| clean(&e.to_string())),
        };
        match result {
            Ok(done) => {
                // Stdout going away (a closed pipe) does not undo or fail what was done.
                let _ = writeln!(out, "{}", success_line(&lookup, act, &done));
            }
            Err(message) => {
                failed = true;
                let _ = writeln!(err, "allot: request {shown}: {message}");
            }
        }
    }
    let _ = out.flush();
    if failed { Exit::Failed } else { Exit::Success }
}

fn resolution(act: &Act) -> Resolution {
    match act {
        Act::Approve { staff, soft } => Resolution::Approve {
            user_id: staff.clone(),
            soft: *soft,
        },
        Act::Reject => Resolution::Reject,
        Act::Cancel => Resolution::Cancel,
    }
}

/// Why a pending request cannot take `act` from here, said before asking the backend. Anything
/// else (not pending, not found, an unknown person) is left to the backend's own words.
fn refusal(lookup: &Lookup, act: &Act, q: &Request) -> Option<String> {
    if !q.status.is_pending() {
        return None;
    }
    match act {
        Act::Cancel if lookup.me.as_ref() != Some(&q.creator_id) => Some(format!(
            "only the requester can cancel request {} (it was requested by {})",
            clean(q.id.as_str()),
            lookup.person_name(&q.creator_id)
        )),
        Act::Approve { staff: None, .. } => {
            let r = lookup.resource(&q.resource_id)?;
            r.is_unnamed().then(|| {
                let on = lookup
                    .project_of(Some(r))
                    .map(|p| format!(" on {}", clean(&p.name)))
                    .unwrap_or_default();
                format!(
                    "request {} is for an unnamed resource ({}{on}); name the person to staff it with --user (an id, email or name)",
                    clean(q.id.as_str()),
                    what(r)
                )
            })
        }
        _ => None,
    }
}

/// "approved request 5001 (Atlas Mobile App, iOS engineer → Ben Carter)".
fn success_line(lookup: &Lookup, act: &Act, q: &Request) -> String {
    let r = lookup.resource(&q.resource_id);
    let project = lookup
        .project_of(r)
        .map(|p| format!("{}, ", clean(&p.name)))
        .unwrap_or_default();
    let who = match (act, r) {
        (
            Act::Approve {
                staff: Some(staff), ..
            },
            Some(r),
        ) if r.is_unnamed() => {
            format!("{} → {}", what(r), lookup.person_name(staff))
        }
        _ => lookup.resource_name(r, &q.resource_id),
    };
    let (verb, tail) = match act {
        Act::Approve { soft: true, .. } => ("approved", ", kept soft"),
        Act::Approve { .. } => ("approved", ""),
        Act::Reject => ("rejected", ""),
        Act::Cancel => ("cancelled", ""),
    };
    format!(
        "{verb} request {} ({project}{who}{tail})",
        clean(q.id.as_str())
    )
}
