//! `allot keys [--json]`: the effective table, one binding a line.

use super::{Keymap, name};
use serde::Serialize;

#[derive(Serialize)]
struct Row {
    mode: &'static str,
    key: String,
    command: &'static str,
    help: &'static str,
}

fn rows(keys: &Keymap) -> Vec<Row> {
    keys.bindings()
        .iter()
        .map(|b| Row {
            mode: b.mode.name(),
            key: name::display(b.key),
            command: b.command.name(),
            help: super::defaults::help_text(b.mode, b.command),
        })
        .collect()
}

/// JSON: an array of `{mode, key, command, help}`.
pub fn json(keys: &Keymap) -> String {
    serde_json::to_string_pretty(&rows(keys)).unwrap_or_else(|_| "[]".into())
}

/// Aligned columns: mode, key, command, what it does.
pub fn text(keys: &Keymap) -> String {
    let rows = rows(keys);
    let w = |f: fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (mw, kw, cw) = (
        w(|r| r.mode.len()).max(4),
        w(|r| r.key.chars().count()).max(3),
        w(|r| r.command.len()).max(7),
    );
    let mut out = format!("{:mw$}  {:kw$}  {:cw$}  what\n", "mode", "key", "command");
    for r in rows {
        out.push_str(&format!(
            "{:mw$}  {:kw$}  {:cw$}  {}\n",
            r.mode, r.key, r.command, r.help
        ));
    }
    out
}

/// README's key table (checked against the table by a test): one row per view or dialog and
/// command, its keys together.
pub fn markdown(keys: &Keymap) -> String {
    let mut out = String::from("| where | keys | command | what it does |\n|---|---|---|---|\n");
    for r in super::help_rows(keys, super::Mode::Global) {
        let keys: Vec<String> = r.keys.split(' ').map(|k| format!("`{k}`")).collect();
        out.push_str(&format!(
            "| {} | {} | `{}` | {} |\n",
            r.mode.name(),
            keys.join(" "),
            r.command.name(),
            r.what().replace('|', "\\|")
        ));
    }
    out
}
