//! `allot requests approve|reject|cancel ID...`.

use super::{Act, Context, Exit, Lookup, load, load_requests};
use crate::client::sanitize::clean;
use crate::client::{Backend, Resolution};
use crate::domain::{Id, Request};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// `allot requests approve|reject|cancel ID...`: each id on its own. As text, one line per
/// success on `out` and one `allot: request N: …` line per failure on `err`; with `json`, one
/// result per id on `out` (in the order given) and the ids not done named on `err`.
pub async fn resolve(
    backend: &dyn Backend,
    ctx: &Context,
    act: &Act,
    ids: &[String],
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let mut results = Results {
        json,
        summarize: json,
        items: Vec::new(),
    };
    // Nothing could be tried: say which ids were not done, not only why.
    let not_done = |mut results: Results, why: &str, out: &mut dyn Write, err: &mut dyn Write| {
        for raw in ids {
            results.push(Done::failed(clean(raw.trim()), why.to_string(), act));
        }
        // As text nothing named these ids yet.
        results.summarize = true;
        let _ = results.finish(out, err);
    };
    let mut problem = Vec::new();
    let lookup = match load(backend, ctx, &mut problem).await {
        Ok(l) => l,
        Err(exit) => {
            let _ = err.write_all(&problem);
            not_done(results, &problem_text(&problem), out, err);
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
            match super::people::find_id(&lookup.roster.people, typed.as_str(), "approve --staff") {
                Ok(id) => {
                    resolved = Act::Approve {
                        staff: Some(id),
                        soft: *soft,
                    };
                    &resolved
                }
                Err(message) => {
                    let _ = writeln!(err, "allot: {message}");
                    not_done(results, &message, out, err);
                    return Exit::Usage;
                }
            }
        }
        _ => act,
    };
    let requests: HashMap<Id, Request> = match load_requests(backend, &mut problem).await {
        Ok(r) => r.into_iter().map(|q| (q.id.clone(), q)).collect(),
        Err(exit) => {
            let _ = err.write_all(&problem);
            not_done(results, &problem_text(&problem), out, err);
            return exit;
        }
    };
    for raw in ids {
        let id = Id::new(raw.trim());
        let shown = clean(id.as_str());
        let result = match refusal(&lookup, act, requests.get(&id)) {
            Some(message) => Err(message),
            None => backend
                .resolve_request(id.clone(), resolution(act))
                .await
                .map_err(|e| own_words(&clean(&e.to_string()), &shown)),
        };
        let done = match result {
            Ok(q) => Done {
                id: shown,
                ok: true,
                message: success_line(&lookup, act, &q),
                person: matches!(act, Act::Approve { .. }).then(|| staffed(&lookup, act, &q)),
            },
            Err(message) => Done::failed(shown, message, act),
        };
        if !json {
            // Stdout going away (a closed pipe) does not undo or fail what was done.
            let _ = if done.ok {
                writeln!(out, "{}", done.message)
            } else {
                writeln!(err, "allot: request {}: {}", done.id, done.message)
            };
        }
        results.push(done);
    }
    results.finish(out, err)
}

/// What became of one id.
#[derive(Serialize)]
struct Done {
    id: String,
    ok: bool,
    message: String,
    /// Approvals only: who is staffed now (`null` when nothing was approved).
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<Option<JsonPerson>>,
}

impl Done {
    fn failed(id: String, message: String, act: &Act) -> Done {
        Done {
            id,
            ok: false,
            message,
            person: matches!(act, Act::Approve { .. }).then_some(None),
        }
    }
}

#[derive(Serialize)]
struct JsonPerson {
    id: String,
    name: String,
}

struct Results {
    json: bool,
    /// Whether to end with the ids not done (as text, each failure's line already names it).
    summarize: bool,
    items: Vec<Done>,
}

impl Results {
    fn push(&mut self, d: Done) {
        self.items.push(d);
    }

    /// Writes the JSON (if asked for) and names the ids not done; the exit status.
    fn finish(self, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
        if self.json
            && let Ok(text) = serde_json::to_string_pretty(&self.items)
        {
            let _ = writeln!(out, "{text}");
        }
        let _ = out.flush();
        let not_done: Vec<&str> = self
            .items
            .iter()
            .filter(|d| !d.ok)
            .map(|d| d.id.as_str())
            .collect();
        if not_done.is_empty() {
            return Exit::Success;
        }
        if self.summarize {
            let _ = writeln!(err, "allot: not done: {}", not_done.join(", "));
        }
        Exit::Failed
    }
}

/// An `allot: …` line already written, as the message of each result it stops.
fn problem_text(written: &[u8]) -> String {
    let text = String::from_utf8_lossy(written);
    text.trim_end()
        .strip_prefix("allot: ")
        .unwrap_or(text.trim_end())
        .to_string()
}

/// The backend's words about request `id`, said once: the line already names the request, so
/// "request 5008 is already approved" becomes "it is already approved".
fn own_words(message: &str, id: &str) -> String {
    message.replace(&format!("request {id}"), "it")
}

/// For an approval, who staffs the resource now: the person named for an unnamed one, else the
/// resource's own person.
fn staffed(lookup: &Lookup, act: &Act, q: &Request) -> Option<JsonPerson> {
    let person = match act {
        Act::Approve {
            staff: Some(staff), ..
        } => Some(staff.clone()),
        _ => lookup.resource(&q.resource_id)?.person_id.clone(),
    }?;
    Some(JsonPerson {
        id: clean(person.as_str()),
        name: lookup.person_name(&person),
    })
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

/// Why `act` cannot be done to the request from here, said before asking the backend and in
/// allot's words, naming people and projects: the line already names the request.
fn refusal(lookup: &Lookup, act: &Act, q: Option<&Request>) -> Option<String> {
    let Some(q) = q else {
        return Some("there is no request with that id".into());
    };
    if !q.status.is_pending() {
        return Some(format!(
            "it is already {}; only pending requests can be resolved",
            q.status.as_str()
        ));
    }
    let r = lookup.resource(&q.resource_id);
    let on = lookup
        .project_of(r)
        .map(|p| format!(" on {}", clean(&p.name)))
        .unwrap_or_default();
    match act {
        Act::Cancel if lookup.me.as_ref() != Some(&q.creator_id) => Some(format!(
            "only the requester, {}, can cancel it",
            lookup.person_name(&q.creator_id)
        )),
        Act::Approve { staff: None, .. } => r?.is_unnamed().then(|| {
            format!(
                "it is for an unnamed resource ({}{on}); name the person to staff it with --staff (an id, email or name)",
                lookup.resource_name(r, &q.resource_id)
            )
        }),
        Act::Approve {
            staff: Some(staff), ..
        } => {
            let named = r?.person_id.as_ref().filter(|p| *p != staff)?;
            Some(format!(
                "its resource{on} is already staffed with {}; approve it without --staff",
                lookup.person_name(named)
            ))
        }
        _ => None,
    }
}

/// "approved request 5001 (Atlas Mobile App, ○ Engineer → Ben Carter)".
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
            format!(
                "{} → {}",
                lookup.resource_name(Some(r), &r.id),
                lookup.person_name(staff)
            )
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
