//! Headless subcommands for scripts and quick SSH use: `allot requests list|approve|reject|cancel`.
//!
//! Each runs against any [`Backend`] with "today" and the output writers passed in, so it is
//! tested without a process or a terminal. Data goes to `out`, problems to `err` as
//! `allot: …` lines; the returned [`Exit`] is the process's exit status. Nothing here touches
//! the terminal's modes, and every string printed passes [`clean`] (names already have, at the
//! client boundary; ids typed on the command line have not).

use crate::cli::{Command, RequestsCommand, StatusArg};
use crate::client::sanitize::clean;
use crate::client::{Backend, Resolution};
use crate::domain::impact::{Hardened, approval_hardens, span_of};
use crate::domain::model::fmt_hours;
use crate::domain::{
    DateRange, Id, Person, Project, Request, RequestStatus, Resource, Roster, Workspace,
};
use chrono::{NaiveDate, SecondsFormat};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// How a headless command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for was done.
    Success,
    /// Something was refused or failed (the others were still done).
    Failed,
    /// The command could not run as given (an unknown `--user`, `--mine` with nobody as "me").
    Usage,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
        }
    }
}

/// What every headless command runs with.
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    pub today: NaiveDate,
    /// Who "I" am instead of the workspace's current user (`allot --user`).
    pub user: Option<Id>,
}

/// Which requests `list` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Only(RequestStatus),
    All,
}

impl StatusFilter {
    fn admits(&self, s: RequestStatus) -> bool {
        match self {
            StatusFilter::Only(only) => *only == s,
            StatusFilter::All => true,
        }
    }
}

impl From<StatusArg> for StatusFilter {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Pending => StatusFilter::Only(RequestStatus::New),
            StatusArg::Approved => StatusFilter::Only(RequestStatus::Approved),
            StatusArg::Rejected => StatusFilter::Only(RequestStatus::Rejected),
            StatusArg::Cancelled => StatusFilter::Only(RequestStatus::Cancelled),
            StatusArg::All => StatusFilter::All,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListOptions {
    pub status: StatusFilter,
    /// Only requests where "I" am an approver.
    pub mine: bool,
    pub json: bool,
}

/// What `approve`, `reject` and `cancel` do to each request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// `staff` names the person for an unnamed resource; allocations become hard unless `soft`.
    Approve {
        staff: Option<Id>,
        soft: bool,
    },
    Reject,
    /// Only the requester may cancel.
    Cancel,
}

/// Runs a parsed subcommand.
pub async fn run(
    backend: &dyn Backend,
    ctx: &Context,
    command: &Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let command = match command {
        Command::Requests(c) => c,
        Command::Config(_) => {
            let _ = writeln!(err, "allot: `config` is not a requests command");
            return Exit::Usage;
        }
    };
    match command {
        RequestsCommand::List { status, mine, json } => {
            let opts = ListOptions {
                status: (*status).into(),
                mine: *mine,
                json: *json,
            };
            list(backend, ctx, &opts, out, err).await
        }
        RequestsCommand::Approve { ids, user, soft } => {
            let act = Act::Approve {
                staff: user.as_deref().map(|u| Id::new(u.trim())),
                soft: *soft,
            };
            resolve(backend, ctx, &act, ids, out, err).await
        }
        RequestsCommand::Reject { ids } => resolve(backend, ctx, &Act::Reject, ids, out, err).await,
        RequestsCommand::Cancel { ids } => resolve(backend, ctx, &Act::Cancel, ids, out, err).await,
    }
}

/// Checks that `user` is a person of the workspace: `Err` is the one line to print.
pub async fn check_user(backend: &dyn Backend, user: &Id) -> Result<(), String> {
    let roster = backend
        .roster()
        .await
        .map_err(|e| format!("cannot read the workspace: {e}"))?;
    if roster.people.iter().any(|p| &p.id == user) {
        Ok(())
    } else {
        Err(unknown_user(user))
    }
}

fn unknown_user(user: &Id) -> String {
    format!(
        "--user {}: there is no person with that id in this workspace",
        clean(user.as_str())
    )
}

// ---- the workspace, looked up by id ---------------------------------------------------------

struct Lookup {
    roster: Roster,
    people: HashMap<Id, usize>,
    projects: HashMap<Id, usize>,
    resources: HashMap<Id, usize>,
    /// Who "I" am: `--user`, else the workspace's current user.
    me: Option<Id>,
}

impl Lookup {
    fn new(roster: Roster, user: Option<&Id>) -> Lookup {
        let index = |ids: Vec<&Id>| -> HashMap<Id, usize> {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect()
        };
        Lookup {
            people: index(roster.people.iter().map(|p| &p.id).collect()),
            projects: index(roster.projects.iter().map(|p| &p.id).collect()),
            resources: index(roster.resources.iter().map(|r| &r.id).collect()),
            me: user.cloned().or_else(|| roster.current_user.clone()),
            roster,
        }
    }

    fn person(&self, id: &Id) -> Option<&Person> {
        self.people.get(id).map(|&i| &self.roster.people[i])
    }

    fn person_name(&self, id: &Id) -> String {
        match self.person(id) {
            Some(p) => clean(&p.name),
            None => format!("(unknown person {})", clean(id.as_str())),
        }
    }

    fn resource(&self, id: &Id) -> Option<&Resource> {
        self.resources.get(id).map(|&i| &self.roster.resources[i])
    }

    fn project_of(&self, r: Option<&Resource>) -> Option<&Project> {
        let id = r?.project_id.as_ref()?;
        self.projects.get(id).map(|&i| &self.roster.projects[i])
    }

    /// The person's name, or "(unnamed) <label or role>" for an unnamed resource.
    fn resource_name(&self, r: Option<&Resource>, id: &Id) -> String {
        match r {
            Some(r) => match &r.person_id {
                Some(p) => self.person_name(p),
                None => format!("(unnamed) {}", what(r)),
            },
            None => format!("(unknown resource {})", clean(id.as_str())),
        }
    }
}

/// What an unnamed resource stands for: its label ("iOS engineer"), else its role.
fn what(r: &Resource) -> String {
    if r.label.trim().is_empty() {
        clean(&r.role)
    } else {
        clean(&r.label)
    }
}

/// Reads the roster and checks `--user`; `Err` is the exit after the message was written.
async fn load(backend: &dyn Backend, ctx: &Context, err: &mut dyn Write) -> Result<Lookup, Exit> {
    let roster = match backend.roster().await {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                err,
                "allot: cannot read the workspace: {}",
                clean(&e.to_string())
            );
            return Err(Exit::Failed);
        }
    };
    let lookup = Lookup::new(roster, ctx.user.as_ref());
    if let Some(user) = &ctx.user
        && lookup.person(user).is_none()
    {
        let _ = writeln!(err, "allot: {}", unknown_user(user));
        return Err(Exit::Usage);
    }
    Ok(lookup)
}

async fn load_requests(backend: &dyn Backend, err: &mut dyn Write) -> Result<Vec<Request>, Exit> {
    backend.requests().await.map_err(|e| {
        let _ = writeln!(
            err,
            "allot: cannot read the requests: {}",
            clean(&e.to_string())
        );
        Exit::Failed
    })
}

// ---- list -----------------------------------------------------------------------------------

/// `allot requests list`: a table (or JSON) of the requests that pass `opts`, oldest first.
pub async fn list(
    backend: &dyn Backend,
    ctx: &Context,
    opts: &ListOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let lookup = match load(backend, ctx, err).await {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    if opts.mine && lookup.me.is_none() {
        let _ = writeln!(
            err,
            "allot: --mine: this workspace has no current user; say who you are with --user USER_ID"
        );
        return Exit::Usage;
    }
    let mut requests = match load_requests(backend, err).await {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    requests.retain(|q| {
        opts.status.admits(q.status)
            && (!opts.mine
                || lookup
                    .me
                    .as_ref()
                    .is_some_and(|me| q.approver_ids.contains(me)))
    });
    requests.sort_by(|a, b| {
        (a.created_at, a.id.as_number(), &a.id).cmp(&(b.created_at, b.id.as_number(), &b.id))
    });
    // What approving changes is read from the allocations in the window the app loads first
    // (a Kantata request has no period of its own; `domain::impact`).
    let window = crate::app::state::initial_window(ctx.today);
    let mut ws = Workspace::from_roster(lookup.roster.clone());
    if !requests.is_empty() {
        match backend.allocations(window).await {
            Ok(a) => ws.set_allocations(window, a),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "allot: cannot read the allocations approving would change: {}",
                    clean(&e.to_string())
                );
                return Exit::Failed;
            }
        }
    }
    let approval = Approval { ws: &ws, window };
    let written = if opts.json {
        write_json(&lookup, &approval, &requests, ctx.today, out)
    } else {
        write_table(&lookup, &approval, &requests, opts, ctx.today, out)
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => Exit::Success,
        // `allot requests list | head` is not a failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            let _ = writeln!(err, "allot: cannot write the list: {e}");
            Exit::Failed
        }
    }
}

/// The workspace approvals are judged against, and the window its allocations cover.
struct Approval<'a> {
    ws: &'a Workspace,
    window: DateRange,
}

/// The request's own period, or "-" where the backend keeps none (Kantata).
fn period(q: &Request) -> String {
    q.period
        .map(|p| format!("{}..{}", p.start, p.end))
        .unwrap_or_else(|| "-".into())
}

/// What approving hardens: "2 (83.8h) 2026-12-28..2027-01-22" (how many allocations, their
/// hours, their span), or "none".
fn hardens_text(hardened: &[Hardened]) -> String {
    match span_of(hardened) {
        Some(span) => format!(
            "{} ({}h) {}..{}",
            hardened.len(),
            fmt_hours(hardened.iter().map(|h| h.minutes).sum()),
            span.start,
            span.end
        ),
        None => "none".into(),
    }
}

fn write_table(
    lookup: &Lookup,
    approval: &Approval,
    requests: &[Request],
    opts: &ListOptions,
    today: NaiveDate,
    out: &mut dyn Write,
) -> io::Result<()> {
    if requests.is_empty() {
        let which = match opts.status {
            StatusFilter::Only(s) => format!("{} requests", s.as_str()),
            StatusFilter::All => "requests".to_string(),
        };
        let whose = match (&lookup.me, opts.mine) {
            (Some(me), true) => format!(" for {} to approve", lookup.person_name(me)),
            _ => String::new(),
        };
        return writeln!(out, "No {which}{whose}.");
    }
    const HEADER: [&str; 10] = [
        "ID",
        "AGE",
        "PROJECT",
        "RESOURCE",
        "PERIOD",
        "PCT",
        "HARDENS",
        "REQUESTER",
        "APPROVERS",
        "STATUS",
    ];
    /// Columns of numbers, aligned right.
    const RIGHT: [bool; 10] = [
        false, true, false, false, false, true, false, false, false, false,
    ];
    let mut rows: Vec<[String; 10]> = Vec::with_capacity(requests.len() + 1);
    rows.push(HEADER.map(String::from));
    for q in requests {
        let r = lookup.resource(&q.resource_id);
        let approvers: Vec<String> = q
            .approver_ids
            .iter()
            .map(|a| lookup.person_name(a))
            .collect();
        rows.push([
            clean(q.id.as_str()),
            format!("{}d", q.age_days(today)),
            lookup
                .project_of(r)
                .map(|p| clean(&p.name))
                .unwrap_or_else(|| "-".into()),
            lookup.resource_name(r, &q.resource_id),
            period(q),
            q.percentage
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "-".into()),
            if q.status.is_pending() {
                hardens_text(&approval_hardens(approval.ws, q))
            } else {
                "-".into()
            },
            lookup.person_name(&q.creator_id),
            approvers.join(", "),
            q.status.as_str().to_string(),
        ]);
    }
    let mut widths = [0usize; 10];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[i] - cell.width());
            if RIGHT[i] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&pad);
                }
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonRequest {
    id: String,
    status: &'static str,
    created_at: String,
    age_days: i64,
    project: Option<JsonProject>,
    resource: JsonResource,
    /// `null` where the backend keeps no period (Kantata).
    period: Option<JsonPeriod>,
    /// `null` where the backend keeps no share (Kantata).
    percentage: Option<u32>,
    /// What approving changes: the resource's soft allocations that become hard, among those
    /// in `approval_hardens_within` (empty for a resolved request).
    approval_hardens: Vec<JsonHardened>,
    approval_hardens_within: JsonPeriod,
    requester: JsonPerson,
    approvers: Vec<JsonPerson>,
}

#[derive(Serialize)]
struct JsonProject {
    id: String,
    name: String,
    client: String,
}

#[derive(Serialize)]
struct JsonResource {
    id: String,
    /// The person's name, or "(unnamed) <label or role>".
    name: String,
    role: String,
    unnamed: bool,
}

#[derive(Serialize)]
struct JsonPeriod {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct JsonHardened {
    allocation_id: String,
    start: String,
    end: String,
    hours: f64,
}

#[derive(Serialize)]
struct JsonPerson {
    id: String,
    name: String,
}

fn write_json(
    lookup: &Lookup,
    approval: &Approval,
    requests: &[Request],
    today: NaiveDate,
    out: &mut dyn Write,
) -> io::Result<()> {
    let person = |id: &Id| JsonPerson {
        id: clean(id.as_str()),
        name: lookup.person_name(id),
    };
    let items: Vec<JsonRequest> = requests
        .iter()
        .map(|q| {
            let r = lookup.resource(&q.resource_id);
            JsonRequest {
                id: clean(q.id.as_str()),
                status: q.status.as_str(),
                created_at: q.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                age_days: q.age_days(today),
                project: lookup.project_of(r).map(|p| JsonProject {
                    id: clean(p.id.as_str()),
                    name: clean(&p.name),
                    client: clean(&p.client),
                }),
                resource: JsonResource {
                    id: clean(q.resource_id.as_str()),
                    name: lookup.resource_name(r, &q.resource_id),
                    role: r.map(|r| clean(&r.role)).unwrap_or_default(),
                    unnamed: r.is_some_and(Resource::is_unnamed),
                },
                period: q.period.map(|p| JsonPeriod {
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                }),
                percentage: q.percentage,
                approval_hardens: if q.status.is_pending() {
                    approval_hardens(approval.ws, q)
                        .iter()
                        .map(|h| JsonHardened {
                            allocation_id: clean(h.allocation.id.as_str()),
                            start: h.allocation.range.start.to_string(),
                            end: h.allocation.range.end.to_string(),
                            // Hours to two decimals: minutes are whole.
                            hours: (h.minutes as f64 / 60.0 * 100.0).round() / 100.0,
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                approval_hardens_within: JsonPeriod {
                    start: approval.window.start.to_string(),
                    end: approval.window.end.to_string(),
                },
                requester: person(&q.creator_id),
                approvers: q.approver_ids.iter().map(person).collect(),
            }
        })
        .collect();
    let text = serde_json::to_string_pretty(&items).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

// ---- approve, reject, cancel ----------------------------------------------------------------

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
                    "request {} is for an unnamed resource ({}{on}); name the person to staff it with --user USER_ID",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::local::{LocalBackend, demo};
    use crate::domain::dates::parse_date;

    const TODAY: &str = "2026-11-23";

    fn today() -> NaiveDate {
        parse_date(TODAY).unwrap()
    }

    fn demo_backend() -> (tempfile::TempDir, LocalBackend) {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::open(&dir.path().join("demo.db")).unwrap();
        b.seed(&demo::demo(today())).unwrap();
        (dir, b)
    }

    fn ctx(user: Option<&str>) -> Context {
        Context {
            today: today(),
            user: user.map(Id::new),
        }
    }

    async fn list_text(
        b: &LocalBackend,
        ctx: &Context,
        opts: ListOptions,
    ) -> (Exit, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = list(b, ctx, &opts, &mut out, &mut err).await;
        (
            exit,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    async fn act(b: &LocalBackend, ctx: &Context, a: Act, ids: &[&str]) -> (Exit, String, String) {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = resolve(b, ctx, &a, &ids, &mut out, &mut err).await;
        (
            exit,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    const PENDING: ListOptions = ListOptions {
        status: StatusFilter::Only(RequestStatus::New),
        mine: false,
        json: false,
    };

    #[tokio::test]
    async fn the_table_is_aligned_oldest_first() {
        let (_dir, b) = demo_backend();
        let (exit, out, err) = list_text(&b, &ctx(None), PENDING).await;
        assert_eq!(exit, Exit::Success);
        assert_eq!(err, "");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("ID  "), "{}", lines[0]);
        assert_eq!(lines.len(), 26, "header and the 25 pending requests\n{out}");
        // 5012 was made 30 days ago, the oldest; 5003 yesterday, the newest.
        assert!(lines[1].starts_with("5012"), "{}", lines[1]);
        assert!(lines[25].starts_with("5003"), "{}", lines[25]);
        let row = lines.iter().find(|l| l.starts_with("5001")).unwrap();
        for part in [
            "3d",
            "Atlas Mobile App",
            "(unnamed) iOS engineer",
            "100%",
            "pending",
        ] {
            assert!(row.contains(part), "{part}: {row}");
        }
        // Every row puts PERIOD at the header's column.
        let at = lines[0].find("PERIOD").unwrap();
        for l in &lines[1..] {
            let mut w = 0;
            let rest: String = l
                .chars()
                .skip_while(|c| {
                    let skip = w < at;
                    w += c.to_string().width();
                    skip
                })
                .collect();
            assert!(rest.starts_with("20") && rest.contains(".."), "{l}");
        }
        assert!(out.chars().all(|c| c == '\n' || !c.is_control()));
    }

    #[tokio::test]
    async fn mine_narrows_to_my_approvals_and_user_changes_who_i_am() {
        let (_dir, b) = demo_backend();
        let mine = ListOptions {
            mine: true,
            ..PENDING
        };
        let (_, all, _) = list_text(&b, &ctx(None), PENDING).await;
        let (_, morgan, _) = list_text(&b, &ctx(None), mine).await;
        let (_, other, _) = list_text(&b, &ctx(Some("1007")), mine).await;
        assert!(morgan.lines().count() < all.lines().count());
        assert!(morgan.lines().skip(1).all(|l| l.contains("Morgan Lee")));
        // 1007 approves 5003, 5005 and 5013.
        let ids: Vec<&str> = other
            .lines()
            .skip(1)
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(ids, ["5013", "5005", "5003"]);

        let (exit, out, err) = list_text(&b, &ctx(Some("9999")), mine).await;
        assert_eq!(exit, Exit::Usage);
        assert_eq!(out, "");
        assert!(err.starts_with("allot: --user 9999"), "{err}");
    }

    #[tokio::test]
    async fn an_empty_list_says_so() {
        let (_dir, b) = demo_backend();
        let opts = ListOptions {
            mine: true,
            ..PENDING
        };
        // 1002 approves nothing.
        let (exit, out, _) = list_text(&b, &ctx(Some("1002")), opts).await;
        assert_eq!(exit, Exit::Success);
        assert!(out.starts_with("No pending requests for "), "{out}");
        let (_, json, _) =
            list_text(&b, &ctx(Some("1002")), ListOptions { json: true, ..opts }).await;
        assert_eq!(json, "[]\n");
    }

    #[tokio::test]
    async fn json_has_the_documented_shape() {
        let (_dir, b) = demo_backend();
        let opts = ListOptions {
            status: StatusFilter::All,
            mine: false,
            json: true,
        };
        let (exit, out, _) = list_text(&b, &ctx(None), opts).await;
        assert_eq!(exit, Exit::Success);
        assert!(out.ends_with("]\n") && !out.ends_with("\n\n"));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items.len(), 30);
        let q = items.iter().find(|q| q["id"] == "5001").unwrap();
        assert_eq!(q["status"], "pending");
        assert_eq!(q["age_days"], 3);
        assert_eq!(q["project"]["name"], "Atlas Mobile App");
        assert_eq!(q["project"]["client"], "Contoso Bank");
        assert_eq!(q["resource"]["id"], "3101");
        assert_eq!(q["resource"]["unnamed"], true);
        assert_eq!(q["resource"]["role"], "Engineer");
        assert_eq!(q["percentage"], 100);
        assert_eq!(q["requester"]["id"], "1005");
        assert_eq!(q["approvers"][0]["name"], "Morgan Lee");
        assert!(chrono::DateTime::parse_from_rfc3339(q["created_at"].as_str().unwrap()).is_ok());
    }

    #[tokio::test]
    async fn approving_rejecting_and_cancelling_each_id_on_its_own() {
        let (_dir, b) = demo_backend();
        let me = ctx(None);
        let (exit, out, err) = act(
            &b,
            &me,
            Act::Approve {
                staff: None,
                soft: false,
            },
            &["5001", "5014"],
        )
        .await;
        assert_eq!(exit, Exit::Failed);
        assert!(
            err.starts_with("allot: request 5001: request 5001 is for an unnamed resource (iOS engineer on Atlas Mobile App)"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1);
        assert!(out.starts_with("approved request 5014 ("), "{out}");

        let (exit, out, err) = act(
            &b,
            &me,
            Act::Approve {
                staff: Some(Id::new("1002")),
                soft: true,
            },
            &["5001"],
        )
        .await;
        assert_eq!((exit, err.as_str()), (Exit::Success, ""));
        assert!(
            out.starts_with("approved request 5001 (Atlas Mobile App, iOS engineer → ")
                && out.ends_with(", kept soft)\n"),
            "{out}"
        );

        let (exit, out, err) = act(&b, &me, Act::Reject, &["5002", "404", "5001"]).await;
        assert_eq!(exit, Exit::Failed);
        assert!(out.starts_with("rejected request 5002 ("), "{out}");
        let errs: Vec<&str> = err.lines().collect();
        assert_eq!(
            errs,
            [
                "allot: request 404: request 404 does not exist",
                "allot: request 5001: request 5001 is already approved; only pending requests can be resolved"
            ]
        );

        let (exit, _, err) = act(&b, &me, Act::Cancel, &["5003"]).await;
        assert_eq!(exit, Exit::Failed);
        assert!(
            err.contains("only the requester can cancel request 5003"),
            "{err}"
        );
        let (exit, out, _) = act(&b, &ctx(Some("1005")), Act::Cancel, &["5003"]).await;
        assert_eq!(exit, Exit::Success);
        assert!(out.starts_with("cancelled request 5003 ("), "{out}");
    }

    #[tokio::test]
    async fn an_unreachable_backend_fails_naming_every_id_not_done() {
        use crate::client::kantata::backend::KantataBackend;
        use crate::client::kantata::http::HttpConfig;
        // Nothing listens on port 1 of this machine: the connection is refused at once.
        let mut http = HttpConfig::new("http://127.0.0.1:1/api/v1", "t");
        http.retries = 0;
        let b = KantataBackend::new(http).unwrap();
        let ids = vec!["5001".to_string(), "5014".to_string()];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = resolve(&b, &ctx(None), &Act::Reject, &ids, &mut out, &mut err).await;
        let err = String::from_utf8(err).unwrap();
        assert_eq!(exit, Exit::Failed);
        assert!(out.is_empty());
        assert!(err.ends_with("allot: not done: 5001, 5014\n"), "{err}");
    }

    #[tokio::test]
    async fn ids_typed_with_escapes_are_printed_defused() {
        let (_dir, b) = demo_backend();
        let (exit, out, err) = act(&b, &ctx(None), Act::Reject, &["\u{1b}]0;pwned\u{7}"]).await;
        assert_eq!(exit, Exit::Failed);
        assert_eq!(out, "");
        assert!(!err.trim_end().chars().any(char::is_control), "{err:?}");
        assert!(err.contains("\u{FFFD}]0;pwned\u{FFFD}"), "{err:?}");
    }
}
