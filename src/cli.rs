//! Command-line flags.

use crate::domain::dates::parse_date;
use chrono::NaiveDate;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "allot",
    version,
    about = "A keyboard-first terminal resource planner"
)]
pub struct Cli {
    /// Open a fresh demo workspace (in a temporary file unless --db is given).
    #[arg(long)]
    pub demo: bool,

    /// Size of the demo workspace: `small` (the curated demo) or `large` (2,000 resources and
    /// 100,000 allocations, to feel the speed).
    #[arg(long, value_enum, default_value_t = DemoSize::Small, requires = "demo")]
    pub demo_size: DemoSize,

    /// The workspace database file (default: workspace.db in the data directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Pretend today is this date (YYYY-MM-DD), for reproducible screens.
    #[arg(long, env = "ALLOT_TODAY", value_name = "DATE", value_parser = parse_today)]
    pub today: Option<NaiveDate>,

    /// Colour theme; NO_COLOR in the environment always wins.
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
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

fn parse_today(s: &str) -> Result<NaiveDate, String> {
    parse_date(s)
}
