//! Headless subcommands for scripts and quick SSH use: `allot requests list|approve|reject|cancel`.
//!
//! Each runs against any [`Backend`] with "today" and the output writers passed in, so it is
//! tested without a process or a terminal. Data goes to `out`, problems to `err` as
//! `allot: …` lines; the returned [`Exit`] is the process's exit status. Nothing here touches
//! the terminal's modes, and every string printed passes [`clean`] (names already have, at the
//! client boundary; ids typed on the command line have not).

mod list;
pub mod people;
mod resolve;
pub mod show;
mod table;
pub mod watch;

pub use list::list;
pub use resolve::resolve;
pub use table::width_for_stdout;

use crate::cli::{Command, PeopleCommand, RequestsCommand, StatusArg};
use crate::client::Backend;
use crate::client::sanitize::clean;
use crate::domain::{Id, Person, Project, Request, Resource, Roster, Workspace};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::{self, Write};

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
    /// The width tables fit in ([`width_for_stdout`]).
    pub width: usize,
}

/// Which requests `list` shows: the Requests view's filter (one, not two).
pub use crate::domain::model::StatusFilter;

impl From<StatusArg> for StatusFilter {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Pending => StatusFilter::Pending,
            StatusArg::Approved => StatusFilter::Approved,
            StatusArg::Rejected => StatusFilter::Rejected,
            StatusArg::Cancelled => StatusFilter::Cancelled,
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
        Command::Config(_) | Command::Keys { .. } | Command::Cache(_) => {
            let _ = writeln!(err, "allot: only `requests` and `people` commands run here");
            return Exit::Usage;
        }
        Command::People(PeopleCommand::List { role, json }) => {
            let opts = people::PeopleOptions {
                role: role.clone(),
                json: *json,
                width: ctx.width,
            };
            return people::list(backend, &opts, out, err).await;
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
        RequestsCommand::Approve {
            misplaced_user: Some(user),
            ..
        } => {
            let _ = writeln!(
                err,
                "allot: approve: --user {} after the subcommand: say who staffs an unnamed resource with --staff {0}; who you are goes before it (allot --user {0} requests approve …)",
                clean(user)
            );
            Exit::Usage
        }
        RequestsCommand::Approve {
            ids,
            staff,
            soft,
            json,
            misplaced_user: None,
        } => {
            let act = Act::Approve {
                staff: staff.as_deref().map(|u| Id::new(u.trim())),
                soft: *soft,
            };
            resolve(backend, ctx, &act, ids, *json, out, err).await
        }
        RequestsCommand::Show { id, json } => show::show(backend, ctx, id, *json, out, err).await,
        RequestsCommand::Watch { interval, json } => {
            let opts = watch::WatchOptions {
                interval: std::time::Duration::from_secs(*interval).max(watch::MIN_INTERVAL),
                json: *json,
            };
            watch::watch(backend, ctx, &opts, stopped(), out, err).await
        }
        RequestsCommand::Reject { ids, json } => {
            resolve(backend, ctx, &Act::Reject, ids, *json, out, err).await
        }
        RequestsCommand::Cancel { ids, json } => {
            resolve(backend, ctx, &Act::Cancel, ids, *json, out, err).await
        }
    }
}

/// Resolves on Ctrl-c or SIGTERM: how `watch` is ended. The handlers are in place when this
/// returns, before anything is printed, so a signal sent after the first line ends it cleanly.
fn stopped() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut int = signal(SignalKind::interrupt()).ok();
        async move {
            tokio::select! {
                _ = signalled(term.as_mut()) => {}
                _ = signalled(int.as_mut()) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Resolves when `s` is received; never without a handler.
#[cfg(unix)]
async fn signalled(s: Option<&mut tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// How writing a command's output ended: a closed pipe (`allot … | head`) is not a failure.
fn write_or_report(
    written: io::Result<()>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    what: &str,
) -> Exit {
    match written.and_then(|_| out.flush()) {
        Ok(()) => Exit::Success,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            let _ = writeln!(err, "allot: cannot write {what}: {e}");
            Exit::Failed
        }
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
    /// The roster as the planner holds it, for the labels the planner shows.
    ws: Workspace,
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
            ws: Workspace::from_roster(roster.clone()),
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

    /// The resource as the Requests view names it: the person, or "○ Role" when unnamed.
    fn resource_name(&self, r: Option<&Resource>, id: &Id) -> String {
        match r {
            Some(_) => clean(&self.ws.request_label(id)),
            None => format!("(unknown resource {})", clean(id.as_str())),
        }
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

#[cfg(test)]
mod tests;
