//! Command-line flags and the headless subcommands.
//!
//! `allot` with no subcommand opens the planner; `allot requests …` works on the staffing-request
//! queue without a terminal UI (see [`crate::headless`]).

pub use crate::config::BackendChoice;
use crate::domain::dates::parse_supported_date;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "allot",
    version,
    about = "A keyboard-first terminal resource planner",
    after_help = "Run without a subcommand to open the planner. It has three views: 1 Resources \
                  (who is free), 2 Gantt (who does what, when) and 3 Requests (staffing \
                  requests to approve). Inside, ? lists the keys and q quits; \
                  `allot keys` prints them and config.toml's [keys.<mode>] tables rebind \
                  them. Try: allot --demo"
)]
pub struct Cli {
    /// Open a fresh demo workspace (in a temporary file unless --db is given).
    #[arg(long, global = true, help_heading = "Workspace")]
    pub demo: bool,

    /// Size of the demo workspace: `small` (the curated demo) or `large` (2,000 resources and
    /// 100,000 allocations, to feel the speed).
    #[arg(
        long,
        value_enum,
        default_value_t = DemoSize::Small,
        requires = "demo",
        help_heading = "Workspace"
    )]
    pub demo_size: DemoSize,

    /// The workspace database file (default: workspace.db in the data directory).
    #[arg(long, value_name = "PATH", global = true, help_heading = "Workspace")]
    pub db: Option<PathBuf>,

    /// Pretend today is this date (YYYY-MM-DD), for reproducible screens.
    #[arg(
        long,
        env = "ALLOT_TODAY",
        value_name = "DATE",
        value_parser = parse_today,
        global = true,
        help_heading = "Workspace"
    )]
    pub today: Option<NaiveDate>,

    /// No mouse: leave clicks and the wheel to the terminal (also `mouse = false` in the
    /// config file). With the mouse on, most terminals still select text with Shift held.
    #[arg(long)]
    pub no_mouse: bool,

    /// Colour theme; NO_COLOR in the environment always wins.
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,

    /// Where the workspace lives: the embedded SQLite file (the default), Kantata OX or Ruddr.
    /// Tokens come from the profile, else KANTATA_ACCESS_TOKEN or RUDDR_API_KEY.
    #[arg(long, value_enum, global = true, help_heading = "Workspace")]
    pub backend: Option<BackendChoice>,

    /// The API base URL of a remote backend (Kantata default: https://api.mavenlink.com/api/v1;
    /// Ruddr: https://www.ruddr.io/api/workspace). Plain http only to this machine.
    #[arg(long, value_name = "URL", global = true, help_heading = "Workspace")]
    pub url: Option<String>,

    /// A named profile from the config file (backend, URL, token or the variable holding it,
    /// user, concurrency).
    #[arg(
        long,
        env = "ALLOT_PROFILE",
        value_name = "NAME",
        global = true,
        help_heading = "Workspace"
    )]
    pub profile: Option<String>,

    /// The config file (default: ALLOT_CONFIG, else config.toml in the platform config
    /// directory; a missing default file is no config).
    #[arg(long, value_name = "PATH", global = true, help_heading = "Workspace")]
    pub config: Option<PathBuf>,

    /// Act as this person (an id, an email or an unambiguous name) instead of the workspace's
    /// current user ("me" for --mine, the requester of new requests, who resolves). Give it
    /// before the subcommand; `allot people list` lists who there is.
    #[arg(long, value_name = "USER", help_heading = "Workspace")]
    pub user: Option<String>,

    /// Read a remote workspace whole at start and repair its local replica, as `F` (or `R`
    /// twice) does in the planner; each replica is checked so once a day anyway.
    #[arg(long, help_heading = "Workspace")]
    pub full_check: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Staffing requests: list them, or approve, reject or cancel them by id.
    #[command(subcommand)]
    Requests(RequestsCommand),
    /// The config file and its profiles.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The local replicas of remote workspaces (what allot opens from before Kantata or Ruddr
    /// answers).
    #[command(subcommand)]
    Cache(CacheCommand),
    /// The key table in effect: the defaults with the config file's [keys.<mode>] over them.
    Keys {
        /// A JSON array of {mode, key, command, help} instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The people of the workspace (who `--user` can name).
    #[command(subcommand)]
    People(PeopleCommand),
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum CacheCommand {
    /// Which replicas exist: the workspace each one holds, its size and its age.
    Status,
    /// Removes the replica of the workspace --profile names, or every replica without it. The
    /// next start reads that workspace whole again; nothing unsent is lost (unsent edits are in
    /// the journal, not the replica).
    Clear,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum PeopleCommand {
    /// List people by name, with their id, email and role.
    List {
        /// Only people with this role (case aside), e.g. "QA Engineer".
        #[arg(long, value_name = "ROLE")]
        role: Option<String>,
        /// A JSON array of objects with id, name, email and role instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum ConfigCommand {
    /// Which file and profile apply, and whether the token works (asks the backend who I am).
    Check,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum RequestsCommand {
    /// List staffing requests, oldest first.
    List {
        /// Which requests to list.
        #[arg(long, value_enum, default_value_t = StatusArg::Pending)]
        status: StatusArg,
        /// Only requests where I am an approver.
        #[arg(long)]
        mine: bool,
        /// A JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One request in full; for a pending one on an unnamed resource, who is best placed to
    /// staff it.
    Show {
        /// The request.
        #[arg(value_name = "ID")]
        id: String,
        /// A JSON object (as `list --json` prints each request, with `candidates` for an
        /// unnamed resource: id, name, role, free_hours, peak_percent, fits, best first).
        #[arg(long)]
        json: bool,
    },
    /// Print each new pending request for me as it arrives (for a tmux status line or a
    /// notifier), until Ctrl-c or SIGTERM. The ones pending at the start are not printed.
    Watch {
        /// Seconds between two reads of the request list (at least 5: one read per interval
        /// keeps far inside the backends' limits).
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        interval: u64,
        /// One JSON object per line (as `list --json` prints each request).
        #[arg(long)]
        json: bool,
    },
    /// Approve pending requests; an unnamed resource needs --staff to name who staffs it.
    Approve {
        /// The requests to approve; each is done on its own.
        #[arg(value_name = "ID", required = true)]
        ids: Vec<String>,
        /// The person to staff an unnamed resource with: an id, an email or an unambiguous
        /// name (who you are is `--user`, before the subcommand: `allot --user ME requests
        /// approve …`).
        #[arg(long, value_name = "PERSON")]
        staff: Option<String>,
        /// `--user` here once named the staff; now it would be read as either, so it is
        /// refused with words saying which flag means what.
        #[arg(long = "user", value_name = "USER", hide = true)]
        misplaced_user: Option<String>,
        /// Keep the allocations soft (they become hard otherwise).
        #[arg(long)]
        soft: bool,
        /// One JSON result per id (id, ok, message, and the person staffed) instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Reject pending requests.
    Reject {
        /// The requests to reject; each is done on its own.
        #[arg(value_name = "ID", required = true)]
        ids: Vec<String>,
        /// One JSON result per id (id, ok, message) instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Cancel pending requests you made.
    Cancel {
        /// The requests to cancel; each is done on its own.
        #[arg(value_name = "ID", required = true)]
        ids: Vec<String>,
        /// One JSON result per id (id, ok, message) instead of lines.
        #[arg(long)]
        json: bool,
    },
}

/// `allot requests list --status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Pending,
    Approved,
    Rejected,
    Cancelled,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DemoSize {
    Small,
    Large,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    Dark,
    Light,
}

/// `--today` / `ALLOT_TODAY`: a date in the supported range (clap quotes the value cleaned in
/// main's flag_error).
fn parse_today(s: &str) -> Result<NaiveDate, String> {
    parse_supported_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::parse_date;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("allot").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_is_the_planner_with_its_flags() {
        let cli = parse(&["--demo", "--demo-size", "large", "--theme", "light"]).unwrap();
        assert_eq!(cli.command, None);
        assert!(cli.demo);
        assert_eq!(cli.demo_size, DemoSize::Large);
        assert_eq!(cli.theme, ThemeArg::Light);
    }

    #[test]
    fn workspace_flags_go_before_or_after_the_subcommand() {
        let cli = parse(&[
            "--user",
            "1007",
            "requests",
            "list",
            "--db",
            "w.db",
            "--today",
            "2026-11-23",
            "--mine",
        ])
        .unwrap();
        assert_eq!(cli.db, Some(PathBuf::from("w.db")));
        assert_eq!(cli.today, parse_date("2026-11-23").ok());
        assert_eq!(cli.user.as_deref(), Some("1007"));
        assert_eq!(
            cli.command,
            Some(Command::Requests(RequestsCommand::List {
                status: StatusArg::Pending,
                mine: true,
                json: false
            }))
        );
    }

    #[test]
    fn approve_names_the_staff_apart_from_who_i_am() {
        let cli = parse(&[
            "--user", "1007", "requests", "approve", "5001", "5002", "--staff", "1002", "--soft",
        ])
        .unwrap();
        assert_eq!(cli.user.as_deref(), Some("1007"));
        assert_eq!(
            cli.command,
            Some(Command::Requests(RequestsCommand::Approve {
                ids: vec!["5001".into(), "5002".into()],
                staff: Some("1002".into()),
                misplaced_user: None,
                soft: true,
                json: false
            }))
        );
    }

    #[test]
    fn profile_and_backend_flags_parse_anywhere() {
        let cli = parse(&["config", "check", "--profile", "work", "--backend", "ruddr"]).unwrap();
        assert_eq!(cli.profile.as_deref(), Some("work"));
        assert_eq!(cli.backend, Some(BackendChoice::Ruddr));
        assert_eq!(cli.command, Some(Command::Config(ConfigCommand::Check)));
    }

    #[test]
    fn usage_errors_are_refused() {
        for args in [
            &["requests", "list", "--status", "open"][..],
            &["requests", "approve"],
            &["requests", "reject"],
            &["requests", "cancel"],
            &["requests"],
            &["requests", "list", "--today", "yesterday-ish"],
            &["--today", "9999-12-31"],
            &["--today", "1899-12-31"],
            &["--today", "2200-01-01"],
            &["--backend", "jira"],
            &["config"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }
}
